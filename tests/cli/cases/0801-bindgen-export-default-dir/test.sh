# `bindgen c --export http-handler.wit` writes http_handler.{h,c} into the current directory,
# declaring the function the guest implements and the per-route export macro.
set -eu
ROOT="$CASE/../../../.."
"$SLIGHT" bindgen c --export "$ROOT/wit/http-handler.wit"
grep -q '^void http_handler_handle_http(http_handler_request_t \*req, http_handler_expected_response_http_error_t \*ret0);$' http_handler.h
grep -q '^#define HTTP_HANDLER_EXPORT(_fn, _export_name)' http_handler.h
grep -q 'export_name("handle-http")' http_handler.c
