#!/bin/sh
# Reports whether the CGI environment has HTTP_AUTHORIZATION, as a sha256 (never the value).
printf 'Content-Type: text/plain\r\n\r\n'
if [ -n "${HTTP_AUTHORIZATION+x}" ]; then printf '%s' "$HTTP_AUTHORIZATION" | sha256sum | cut -d' ' -f1; else echo absent; fi
