/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_cfg_azapp.c -- configs.azapp without Azure: the HMAC-SHA256 string to
 * sign and signature (recomputed with openssl from Azure's documented
 * recipe), key paths, body hashes and header lines, and the backend against
 * a loopback server that plays App Configuration (200, 404, 401, 503 and
 * retries). Nothing here has been run against the real service.
 */
#include "sl_common.h"

#include "capabilities/configs/cfg_backend.h"

#include "cloud/azure_appconfig.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/mem.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

extern const struct sl_cfgs_backend sl_cfgs_backend_azapp;

/* base64 of the 32 bytes "0123456789abcdef0123456789abcdef" */
#define SECRET "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
#define SECRET_HEX "3031323334353637383961626364656630313233343536373839616263646566"
#define EMPTY_SHA256_B64 "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

static const struct sl_azapp_signed_request req = {
    .method = "GET",
    .path_query = "/kv/app%3Acolor?label=&api-version=1.0",
    .date = "Fri, 11 May 2018 18:48:36 GMT",
    .host = "myconfig.azconfig.io",
    .content_hash = EMPTY_SHA256_B64,
};

/* The output of a shell command (first line, no newline), which must succeed. */
static void run_line(const char *cmd, char *out, size_t outsz)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    out[0] = '\0';
    cr_assert_not_null(fgets(out, (int)outsz, p), "no output from: %s", cmd);
    cr_assert_eq(pclose(p), 0, "failed: %s", cmd);
    out[strcspn(out, "\n")] = '\0';
}

/* base64 HMAC-SHA256 of s under the key in hex, by openssl. */
static void openssl_hmac(const char *s, const char *hexkey, char *out, size_t outsz)
{
    char path[] = "/tmp/sl-azapp-sts-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "openssl dgst -sha256 -mac HMAC -macopt hexkey:%s -binary < %s | base64 -w0; echo",
             hexkey, path);
    run_line(cmd, out, outsz);
    unlink(path);
}

static void need_openssl(void)
{
    if (system("command -v openssl >/dev/null 2>&1") != 0)
        cr_skip_test("openssl is not installed");
}

/* ---- signing ------------------------------------------------------------ */

Test(sign, string_to_sign)
{
    struct sl_buf sts = SL_BUF_INIT;
    cr_assert_eq(sl_azapp_string_to_sign(&req, &sts), SL_OK);
    cr_assert_str_eq(sl_buf_cstr(&sts),
                     "GET\n/kv/app%3Acolor?label=&api-version=1.0\n"
                     "Fri, 11 May 2018 18:48:36 GMT;myconfig.azconfig.io;" EMPTY_SHA256_B64);
    sl_buf_release(&sts);
}

Test(sign, signature_matches_openssl)
{
    need_openssl();
    struct sl_buf sts = SL_BUF_INIT, auth = SL_BUF_INIT;
    cr_assert_eq(sl_azapp_string_to_sign(&req, &sts), SL_OK);
    char want[128];
    openssl_hmac(sl_buf_cstr(&sts), SECRET_HEX, want, sizeof(want));
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azapp_authorization(&req, "key-id-1", SECRET, &auth, &err), SL_OK, "%s",
                 err.msg);
    char expect[256];
    snprintf(expect, sizeof(expect),
             "HMAC-SHA256 Credential=key-id-1&SignedHeaders=x-ms-date;host;x-ms-content-sha256"
             "&Signature=%s",
             want);
    cr_assert_str_eq(sl_buf_cstr(&auth), expect);
    sl_buf_release(&sts);
    sl_buf_release(&auth);
}

Test(sign, bad_secret_not_shown)
{
    struct sl_buf auth = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azapp_authorization(&req, "id", "not*base64!", &auth, &err), SL_EAUTH);
    cr_assert_null(strstr(err.msg, "not*base64"));
    sl_buf_release(&auth);
}

Test(sign, content_hash_matches_openssl)
{
    need_openssl();
    struct sl_buf h = SL_BUF_INIT;
    cr_assert_eq(sl_azapp_content_hash(NULL, 0, &h), SL_OK);
    cr_assert_str_eq(sl_buf_cstr(&h), EMPTY_SHA256_B64);
    sl_buf_reset(&h);
    const char *body = "{\"value\":\"blue\"}";
    cr_assert_eq(sl_azapp_content_hash(body, strlen(body), &h), SL_OK);
    char want[128];
    run_line("printf '%s' '{\"value\":\"blue\"}' | openssl dgst -sha256 -binary | base64 -w0; echo",
             want, sizeof(want));
    cr_assert_str_eq(sl_buf_cstr(&h), want);
    sl_buf_release(&h);
}

/* ---- request building --------------------------------------------------- */

Test(request, kv_path_encodes_the_key)
{
    struct sl_buf p = SL_BUF_INIT;
    cr_assert_eq(sl_azapp_kv_path("a/b c:d?", 8, &p), SL_OK);
    cr_assert_str_eq(sl_buf_cstr(&p), "/kv/a%2Fb%20c%3Ad%3F?label=&api-version=1.0");
    sl_buf_release(&p);
}

Test(request, endpoint_parse)
{
    char *base = NULL, *host = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azapp_endpoint_parse("https://x.azconfig.io//", &base, &host, &err), SL_OK);
    cr_assert_str_eq(base, "https://x.azconfig.io");
    cr_assert_str_eq(host, "x.azconfig.io");
    sl_free(base);
    sl_free(host);
    cr_assert_eq(sl_azapp_endpoint_parse("http://127.0.0.1:8080", &base, &host, &err), SL_OK);
    cr_assert_str_eq(host, "127.0.0.1:8080");
    sl_free(base);
    sl_free(host);
    static const char *const bad[] = {"x.azconfig.io", "ftp://x", "https://", "https://x/p",
                                      "https://u:p@x", "https://x?q"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        cr_assert_eq(sl_azapp_endpoint_parse(bad[i], &base, &host, &err), SL_ECONFIG, "%s",
                     bad[i]);
        cr_assert_null(base);
        cr_assert_null(host);
    }
}

Test(request, headers)
{
    struct sl_azapp_headers h;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azapp_headers_build(&req, false, "key-id-1", SECRET, &h, &err), SL_OK);
    cr_assert_eq(h.n, 6);
    cr_assert(strncmp(h.lines[0], "Authorization: HMAC-SHA256 Credential=key-id-1&", 47) == 0);
    cr_assert_str_eq(h.lines[1], "Host: myconfig.azconfig.io");
    cr_assert_str_eq(h.lines[2], "x-ms-date: Fri, 11 May 2018 18:48:36 GMT");
    cr_assert_str_eq(h.lines[3], "x-ms-content-sha256: " EMPTY_SHA256_B64);
    cr_assert_str_eq(h.lines[4], "Accept: application/vnd.microsoft.appconfig.kv+json");
    cr_assert_str_eq(h.lines[5], "Content-Type:");
    sl_azapp_headers_release(&h);
    cr_assert_eq(sl_azapp_headers_build(&req, true, "key-id-1", SECRET, &h, &err), SL_OK);
    cr_assert_str_eq(h.lines[5], "Content-Type: application/vnd.microsoft.appconfig.kv+json");
    sl_azapp_headers_release(&h);
    cr_assert_eq(sl_azapp_headers_build(&req, true, "id", "***", &h, &err), SL_EAUTH);
    cr_assert_eq(h.n, 0);
}

/* ---- the backend against a loopback server -------------------------------- */

#define MAX_REQ 8

/* Answers connection i with replies[i] and records request i. */
struct fake {
    int fd;
    int port;
    const char *replies[MAX_REQ];
    int nreplies;
    char *requests[MAX_REQ];
    int nrequests;
    pthread_t thread;
};

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    for (int i = 0; i < f->nreplies; i++) {
        int c = accept(f->fd, NULL, NULL);
        if (c < 0)
            break;
        struct sl_buf in = SL_BUF_INIT;
        char chunk[4096];
        size_t need = 0;
        for (;;) {
            ssize_t n = read(c, chunk, sizeof(chunk));
            if (n <= 0)
                break;
            sl_buf_append(&in, chunk, (size_t)n);
            const char *s = sl_buf_cstr(&in);
            const char *end = strstr(s, "\r\n\r\n");
            if (end == NULL)
                continue;
            if (need == 0) {
                const char *cl = strcasestr(s, "\r\nContent-Length:");
                need = (size_t)(end + 4 - s) + (cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0);
            }
            if (in.len >= need)
                break;
        }
        f->requests[f->nrequests++] = sl_buf_detach(&in);
        const char *r = f->replies[i];
        char head[256];
        const char *body = strchr(r, '|') + 1;
        snprintf(head, sizeof(head),
                 "HTTP/1.1 %.*s\r\nContent-Length: %zu\r\nContent-Type: "
                 "application/vnd.microsoft.appconfig.kv+json\r\nConnection: close\r\n\r\n",
                 (int)(body - 1 - r), r, strlen(body));
        (void)!write(c, head, strlen(head));
        (void)!write(c, body, strlen(body));
        close(c);
    }
    return NULL;
}

/* Starts a server answering, in order, replies "STATUS TEXT|BODY". */
static void fake_start(struct fake *f, int n, const char *const *replies)
{
    memset(f, 0, sizeof(*f));
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(f->fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(f->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(listen(f->fd, 8), 0);
    socklen_t len = sizeof(a);
    cr_assert_eq(getsockname(f->fd, (struct sockaddr *)&a, &len), 0);
    f->port = ntohs(a.sin_port);
    for (int i = 0; i < n; i++)
        f->replies[i] = replies[i];
    f->nreplies = n;
    cr_assert_eq(pthread_create(&f->thread, NULL, fake_main, f), 0);
    char ep[64];
    snprintf(ep, sizeof(ep), "http://127.0.0.1:%d", f->port);
    setenv("AZAPPCONFIG_ENDPOINT", ep, 1);
    setenv("AZAPPCONFIG_KEYID", "key-id-1", 1);
    setenv("AZAPPCONFIG_KEYSECRET", SECRET, 1);
}

/* Waits for the server; the recorded requests stay until fake_release. */
static void fake_stop(struct fake *f)
{
    shutdown(f->fd, SHUT_RDWR);
    pthread_join(f->thread, NULL);
    close(f->fd);
}

static void fake_release(struct fake *f)
{
    for (int i = 0; i < f->nrequests; i++)
        sl_free(f->requests[i]);
}

static struct sl_cfgs_store *open_store(void)
{
    struct sl_cfgs_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_cfgs_backend_azapp.open(NULL, (struct sl_str){"remote", 6}, &st, &err), SL_OK,
                 "%s", err.msg);
    return st;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static struct sl_str s_of(const char *s)
{
    return (struct sl_str){s, strlen(s)};
}

/* The value of header name in the recorded request, or "" */
static void header_of(const char *request, const char *name, char *out, size_t outsz)
{
    char pat[64];
    snprintf(pat, sizeof(pat), "\r\n%s: ", name);
    const char *p = strcasestr(request, pat);
    out[0] = '\0';
    if (p != NULL)
        snprintf(out, outsz, "%.*s", (int)strcspn(p + strlen(pat), "\r"), p + strlen(pat));
}

Test(backend, get_set_and_signature)
{
    need_openssl();
    static const char *const replies[] = {
        "200 OK|{\"key\":\"app:color\",\"label\":null,\"value\":\"blue \\u00e9\"}",
        "200 OK|{\"key\":\"greeting\",\"label\":null,\"value\":\"hi\"}",
    };
    struct fake f;
    fake_start(&f, 2, replies);
    struct sl_cfgs_store *st = open_store();
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_cfgs_backend_azapp.get(st, s_of("app:color"), &val, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_str_eq(sl_buf_cstr(&val), "blue \xc3\xa9");
    cr_assert_eq(sl_cfgs_backend_azapp.set(st, s_of("greeting"), s_of("hi \"there\""), &err),
                 SL_OK, "%s", err.msg);
    sl_cfgs_backend_azapp.close(st);
    fake_stop(&f);
    sl_buf_release(&val);

    cr_assert_eq(f.nrequests, 2);
    const char *g = f.requests[0], *p = f.requests[1];
    cr_assert(starts_with(g, "GET /kv/app%3Acolor?label=&api-version=1.0 HTTP/1.1\r\n"), "%s", g);
    cr_assert(starts_with(p, "PUT /kv/greeting?label=&api-version=1.0 HTTP/1.1\r\n"), "%s", p);
    const char *body = strstr(p, "\r\n\r\n") + 4;
    cr_assert_str_eq(body, "{\"value\":\"hi \\\"there\\\"\"}");

    /* every request verifies as the service would: recompute from what was sent */
    for (int i = 0; i < 2; i++) {
        const char *r = f.requests[i];
        char date[64], host[64], hash[64], auth[256], sts[512], sig[128], want[300];
        header_of(r, "x-ms-date", date, sizeof(date));
        header_of(r, "Host", host, sizeof(host));
        header_of(r, "x-ms-content-sha256", hash, sizeof(hash));
        header_of(r, "Authorization", auth, sizeof(auth));
        snprintf(sts, sizeof(sts), "%s\n%.*s\n%s;%s;%s", i == 0 ? "GET" : "PUT",
                 (int)strcspn(strchr(r, ' ') + 1, " "), strchr(r, ' ') + 1, date, host, hash);
        openssl_hmac(sts, SECRET_HEX, sig, sizeof(sig));
        snprintf(want, sizeof(want),
                 "HMAC-SHA256 Credential=key-id-1&SignedHeaders=x-ms-date;host;"
                 "x-ms-content-sha256&Signature=%s",
                 sig);
        cr_assert_str_eq(auth, want);
        cr_assert_neq(date[0], '\0');
    }
    char hash[64], want[64];
    header_of(p, "x-ms-content-sha256", hash, sizeof(hash));
    run_line("printf '%s' '{\"value\":\"hi \\\"there\\\"\"}' | openssl dgst -sha256 -binary | "
             "base64 -w0; echo",
             want, sizeof(want));
    cr_assert_str_eq(hash, want);
    fake_release(&f);
}

Test(backend, not_found_and_auth)
{
    static const char *const replies[] = {
        "404 Not Found|",
        "401 Unauthorized|{\"title\":\"Unauthorized\"}",
        "403 Forbidden|",
    };
    struct fake f;
    fake_start(&f, 3, replies);
    struct sl_cfgs_store *st = open_store();
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_cfgs_backend_azapp.get(st, s_of("nope"), &val, &err), SL_ENOTFOUND);
    cr_assert_str_eq(err.msg, "configs.azapp: key 'nope' not found");
    cr_assert_eq(sl_cfgs_backend_azapp.get(st, s_of("k"), &val, &err), SL_EAUTH);
    cr_assert_null(strstr(err.msg, SECRET));
    cr_assert_eq(sl_cfgs_backend_azapp.set(st, s_of("k"), s_of("v"), &err), SL_EAUTH);
    sl_cfgs_backend_azapp.close(st);
    fake_stop(&f);
    cr_assert_eq(f.nrequests, 3);
    fake_release(&f);
    sl_buf_release(&val);
}

Test(backend, three_attempts)
{
    static const char *const replies[] = {
        "503 Service Unavailable|", "500 Internal Server Error|", "200 OK|{\"value\":\"ok\"}",
        "503 Service Unavailable|", "429 Too Many Requests|",    "503 Service Unavailable|",
    };
    struct fake f;
    fake_start(&f, 6, replies);
    struct sl_cfgs_store *st = open_store();
    struct sl_buf val = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_cfgs_backend_azapp.get(st, s_of("k"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(sl_buf_cstr(&val), "ok");
    cr_assert_eq(sl_cfgs_backend_azapp.set(st, s_of("k"), s_of("v"), &err), SL_EIO);
    cr_assert(starts_with(err.msg,
                          "configs.azapp: failed to set 'k': maximum number of retries reached: "),
              "%s", err.msg);
    sl_cfgs_backend_azapp.close(st);
    fake_stop(&f);
    cr_assert_eq(f.nrequests, 6);
    fake_release(&f);
    sl_buf_release(&val);
}

Test(backend, open_needs_the_host_variables)
{
    unsetenv("AZAPPCONFIG_ENDPOINT");
    setenv("AZAPPCONFIG_KEYID", "id", 1);
    setenv("AZAPPCONFIG_KEYSECRET", SECRET, 1);
    struct sl_cfgs_store *st = (struct sl_cfgs_store *)1;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_cfgs_backend_azapp.open(NULL, s_of("x"), &st, &err), SL_ECONFIG);
    cr_assert_null(st);
    cr_assert(strstr(err.msg, "AZAPPCONFIG_ENDPOINT is not set") != NULL, "%s", err.msg);
    setenv("AZAPPCONFIG_ENDPOINT", "https://x.azconfig.io", 1);
    setenv("AZAPPCONFIG_KEYSECRET", "sec!ret", 1);
    cr_assert_eq(sl_cfgs_backend_azapp.open(NULL, s_of("x"), &st, &err), SL_ECONFIG);
    cr_assert_null(strstr(err.msg, "sec!ret"), "%s", err.msg);
    setenv("AZAPPCONFIG_KEYSECRET", SECRET, 1);
    cr_assert_eq(sl_cfgs_backend_azapp.open(NULL, s_of("x"), &st, &err), SL_OK, "%s", err.msg);
    /* not UTF-8: refused before any request */
    cr_assert_eq(sl_cfgs_backend_azapp.set(st, s_of("k"), (struct sl_str){"\xff", 1}, &err),
                 SL_EINVALVALUE);
    sl_cfgs_backend_azapp.close(st);
    sl_cfgs_backend_azapp.shutdown();
}
