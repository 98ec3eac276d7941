vcl 4.1;

backend app {
  .host = "127.0.0.1";
  .port = "{{UPSTREAM_PORT}}";
}

sub vcl_recv {
  set req.http.Authorization = "";
}
