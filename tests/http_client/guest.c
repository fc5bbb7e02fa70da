/* SPDX-License-Identifier: Apache-2.0 */
/*
 * guest.c -- the http-client test guest (C, on witgen's guest bindings):
 * sends the request its arguments describe and prints the result in a
 * fixed form for run_http_client.sh:
 *   guest METHOD URL [-H name:value]... [-P name=value]... [-b TEXT | -z N]
 *         [-n COUNT] [-x]
 * -z sends N bytes 0,7,14,... (mod 256: NUL and bytes that are not UTF-8)
 * and checks the echo; -x prints the body in hex; -n repeats the request.
 * Output: "ok STATUS", "h NAME: VALUE" per header, "body-len N", "body
 * ..."; or "err CASE MESSAGE".
 */
#include "http_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 32

static const char *const case_names[] = {"invalid-url", "timeout-error", "protocol-error",
                                         "status-error", "unexpected-error"};

static http_client_method_t method_of(const char *m)
{
    static const char *const names[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(m, names[i]) == 0)
            return (http_client_method_t)i;
    fprintf(stderr, "unknown method %s\n", m);
    exit(2);
}

/* Splits "name<sep>value" into a borrowed tuple (the argument is modified). */
static void field(http_client_tuple2_string_string_t *t, char *arg, char sep)
{
    char *s = strchr(arg, sep);
    if (s == NULL) {
        fprintf(stderr, "expected name%cvalue: %s\n", sep, arg);
        exit(2);
    }
    *s = '\0';
    http_client_string_set(&t->f0, arg);
    http_client_string_set(&t->f1, s + 1);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: guest METHOD URL [options]\n");
        return 2;
    }
    http_client_tuple2_string_string_t headers[MAX_FIELDS], params[MAX_FIELDS];
    size_t nh = 0, np = 0;
    http_client_request_t req;
    memset(&req, 0, sizeof(req));
    req.method = method_of(argv[1]);
    http_client_string_set(&req.uri, argv[2]);
    unsigned char *sent = NULL;
    size_t sent_len = 0;
    int count = 1;
    int hex = 0;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "-H") == 0 && i + 1 < argc && nh < MAX_FIELDS) {
            field(&headers[nh++], argv[++i], ':');
        } else if (strcmp(argv[i], "-P") == 0 && i + 1 < argc && np < MAX_FIELDS) {
            field(&params[np++], argv[++i], '=');
        } else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
            sent = (unsigned char *)argv[++i];
            sent_len = strlen((char *)sent);
            req.body.is_some = true;
        } else if (strcmp(argv[i], "-z") == 0 && i + 1 < argc) {
            sent_len = (size_t)strtoul(argv[++i], NULL, 10);
            sent = malloc(sent_len ? sent_len : 1);
            for (size_t k = 0; k < sent_len; k++)
                sent[k] = (unsigned char)(k * 7);
            req.body.is_some = true;
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            count = (int)strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "-x") == 0) {
            hex = 1;
        } else {
            fprintf(stderr, "bad argument %s\n", argv[i]);
            return 2;
        }
    }
    req.headers = (http_client_headers_t){headers, nh};
    req.params = (http_client_params_t){params, np};
    if (req.body.is_some)
        req.body.val = (http_client_body_t){sent, sent_len};

    for (int r = 0; r < count; r++) {
        http_client_expected_response_http_error_t ret;
        http_client_request(&req, &ret);
        if (ret.is_err) {
            http_client_http_error_t *e = &ret.val.err;
            if (e->tag == HTTP_CLIENT_HTTP_ERROR_STATUS_ERROR)
                printf("err status-error %u\n", e->val.status_error);
            else
                printf("err %s %.*s\n", case_names[e->tag], (int)e->val.invalid_url.len,
                       e->val.invalid_url.ptr);
            http_client_expected_response_http_error_free(&ret);
            continue;
        }
        http_client_response_t *resp = &ret.val.ok;
        printf("ok %u\n", resp->status);
        if (!resp->headers.is_some || !resp->body.is_some)
            printf("missing headers or body\n");
        for (size_t i = 0; resp->headers.is_some && i < resp->headers.val.len; i++) {
            http_client_tuple2_string_string_t *h = &resp->headers.val.ptr[i];
            printf("h %.*s: %.*s\n", (int)h->f0.len, h->f0.ptr, (int)h->f1.len, h->f1.ptr);
        }
        http_client_body_t *b = &resp->body.val;
        printf("body-len %zu\n", b->len);
        if (hex) {
            printf("body ");
            for (size_t i = 0; i < b->len; i++)
                printf("%02x", b->ptr[i]);
            printf("\n");
        } else {
            printf("body %.*s\n", (int)b->len, (const char *)b->ptr);
        }
        if (sent != NULL && b->len == sent_len && memcmp(b->ptr, sent, sent_len) == 0)
            printf("echo-same\n");
        http_client_expected_response_http_error_free(&ret);
    }
    return 0;
}
