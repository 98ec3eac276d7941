#!/bin/sh
# A CGI script that answers 401 with a challenge (its headers land in httpd's "always" table).
printf 'Status: 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="cgi"\r\nContent-Type: text/plain\r\n\r\nunauthorized\n'
