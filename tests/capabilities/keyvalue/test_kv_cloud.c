/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_kv_cloud.c -- what the conformance suite does not cover for
 * keyvalue.azblob and keyvalue.awsdynamodb: the Shared Key string to sign and
 * signature (checked against openssl), connection strings, config errors,
 * S and B values in DynamoDB items, scans over 1 MB, credentials kept out of
 * messages and the environment, and a server stopped and started again
 * (private emulators from $SLIGHT_TEST_NPM_BIN). Cases needing an emulator
 * skip without one, or fail under CI=true.
 */
#include "sl_common.h"

#include "capabilities/keyvalue/kv_backend.h"

#include "cloud/azure_connstr.h"
#include "cloud/azure_sharedkey.h"
#include "cloud/http_client.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/mem.h"
#include "common/strvec.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const struct sl_kv_backend sl_kv_backend_azblob;
extern const struct sl_kv_backend sl_kv_backend_awsdynamodb;

#define DEV_KEY SL_AZURITE_KEY

/* ---- helpers ------------------------------------------------------------ */

static bool in_ci(void)
{
    const char *ci = getenv("CI");
    return ci != NULL && (strcmp(ci, "true") == 0 || strcmp(ci, "1") == 0);
}

/* $var, or the test skips (fails under CI). */
static const char *need_env(const char *var)
{
    const char *v = getenv(var);
    if (v != NULL && v[0] != '\0')
        return v;
    if (in_ci())
        cr_assert_fail("%s is not set: CI must start the emulators (tools/services.sh)", var);
    cr_skip_test("%s is not set: start the emulators with eval \"$(tools/services.sh start)\"",
                 var);
    return NULL;
}

static struct sl_str str_of(const char *s)
{
    return (struct sl_str){s, strlen(s)};
}

/* A fresh store name for this process: "<base><pid>x<n>" (valid container and table name). */
static const char *uniq(const char *base)
{
    static char names[8][64];
    static int next;
    char *n = names[next % 8];
    snprintf(n, sizeof(names[0]), "%s%ldx%d", base, (long)getpid(), next++);
    return n;
}

static struct sl_kv_store *open_ok(const struct sl_kv_backend *be, const struct sl_config *c,
                                   const char *name)
{
    struct sl_kv_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    sl_err rc = be->open(c, str_of(name), &st, &err);
    cr_assert_eq(rc, SL_OK, "open '%s': %s", name, err.msg);
    st->backend = be;
    return st;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

static bool port_answers(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts argv (killed with this process), waits up to 20 s until port accepts. */
static pid_t start_server(const char *const argv[], int port)
{
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int devnull = open("/dev/null", 1);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 400; i++) {
        if (port_answers(port))
            return pid;
        cr_assert_eq(waitpid(pid, NULL, WNOHANG), 0, "%s exited", argv[0]);
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    cr_assert_fail("%s did not answer on port %d", argv[0], port);
    return -1;
}

static void stop_server(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* ---- the HTTP client -------------------------------------------------------- */

Test(http, closed_port_is_conn_and_silent_server_is_timeout)
{
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/x?secret=1", free_port());
    struct sl_http_request req = {.method = "GET", .url = url};
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_http_perform("t", &req, &resp, &err), SL_ECONN, "%s", err.msg);
    cr_assert_null(strstr(err.msg, "secret"), "%s", err.msg);

    /* a server that accepts (the kernel does) and never answers */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    cr_assert(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 4) == 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(a.sin_port));
    req.timeout_ms = 300;
    cr_assert_eq(sl_http_perform("t", &req, &resp, &err), SL_ETIMEOUT, "%s", err.msg);
    cr_assert_eq(resp.status, 0);
    close(fd);
    sl_http_response_release(&resp);
    sl_http_thread_cleanup();
}

Test(http, url_encode_and_headers)
{
    struct sl_buf b = SL_BUF_INIT;
    cr_assert_eq(sl_http_url_encode(&b, "a b/ü?%~", 9, "/"), SL_OK);
    cr_assert_str_eq(b.data, "a%20b/%C3%BC%3F%25~");
    sl_buf_release(&b);
    struct sl_http_response r = SL_HTTP_RESPONSE_INIT;
    sl_buf_appends(&r.headers, "HTTP/1.1 404 Not Found\r\nX-Ms-Error-Code:  BlobNotFound \r\n"
                               "Content-Length: 0\r\n\r\n");
    char v[32];
    cr_assert(sl_http_response_header(&r, "x-ms-error-code", v, sizeof(v)));
    cr_assert_str_eq(v, "BlobNotFound");
    cr_assert_not(sl_http_response_header(&r, "x-ms-date", v, sizeof(v)));
    sl_http_response_release(&r);
}

/* ---- Shared Key --------------------------------------------------------- */

static const char *const sk_headers[] = {
    "x-ms-version: 2021-12-02",
    "X-MS-Date:  Sat, 28 Nov 2026  03:00:00 GMT ",
    "x-ms-blob-type: BlockBlob",
    "Content-Type: application/octet-stream",
};

static const struct sl_azure_signed_request sk_req = {
    .method = "PUT",
    .content_length = 5,
    .content_type = "application/octet-stream",
    .headers = sk_headers,
    .nheaders = SL_ARRAY_SIZE(sk_headers),
    .account = "devstoreaccount1",
    .path = "/devstoreaccount1/box/a%20b/c",
    .query = "restype=x&comp=list&marker=a%2Fb&Include=snapshots&include=metadata",
};

static const char sk_expected[] = "PUT\n\n\n5\n\napplication/octet-stream\n\n\n\n\n\n\n"
                                  "x-ms-blob-type:BlockBlob\n"
                                  "x-ms-date:Sat, 28 Nov 2026 03:00:00 GMT\n"
                                  "x-ms-version:2021-12-02\n"
                                  "/devstoreaccount1/devstoreaccount1/box/a%20b/c\n"
                                  "comp:list\n"
                                  "include:metadata,snapshots\n"
                                  "marker:a/b\n"
                                  "restype:x";

Test(sharedkey, string_to_sign)
{
    struct sl_buf sts = SL_BUF_INIT;
    cr_assert_eq(sl_azure_string_to_sign(&sk_req, &sts), SL_OK);
    cr_assert_str_eq(sts.data, sk_expected);
    sl_buf_release(&sts);

    /* a GET without body: empty Content-Length and Content-Type, no query */
    const char *h[] = {"x-ms-date: D", "x-ms-version: V", "Accept: */*"};
    struct sl_azure_signed_request get = {.method = "GET",
                                          .headers = h,
                                          .nheaders = 3,
                                          .account = "acct",
                                          .path = "/c/k"};
    cr_assert_eq(sl_azure_string_to_sign(&get, &sts), SL_OK);
    cr_assert_str_eq(sts.data, "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:D\nx-ms-version:V\n/acct/c/k");
    sl_buf_release(&sts);
}

Test(sharedkey, signature_matches_openssl)
{
    if (system("command -v openssl >/dev/null 2>&1") != 0)
        cr_skip_test("openssl is not installed");
    char path[] = "/tmp/sl-sts-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, sk_expected, strlen(sk_expected)), (ssize_t)strlen(sk_expected));
    close(fd);
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "openssl dgst -sha256 -mac HMAC -macopt hexkey:$(printf %%s '%s' | base64 -d | "
             "od -An -tx1 -v | tr -d ' \\n') -binary < %s | base64",
             DEV_KEY, path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char want[128] = "";
    cr_assert_not_null(fgets(want, sizeof(want), p));
    pclose(p);
    unlink(path);
    want[strcspn(want, "\n")] = '\0';

    struct sl_buf auth = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azure_sharedkey_authorization(&sk_req, DEV_KEY, &auth, &err), SL_OK, "%s",
                 err.msg);
    char expect[200];
    snprintf(expect, sizeof(expect), "SharedKey devstoreaccount1:%s", want);
    cr_assert_str_eq(auth.data, expect);
    sl_buf_release(&auth);

    cr_assert_eq(sl_azure_sharedkey_authorization(&sk_req, "not base64!", &auth, &err), SL_EAUTH);
    cr_assert_null(strstr(err.msg, "not base64!"));
}

/* ---- connection strings ---------------------------------------------------- */

Test(connstr, development_storage)
{
    struct sl_azure_storage st = SL_AZURE_STORAGE_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azure_connstr_parse("UseDevelopmentStorage=true", &st, &err), SL_OK);
    cr_assert_str_eq(st.account, "devstoreaccount1");
    cr_assert_str_eq(st.key, DEV_KEY);
    cr_assert_str_eq(st.endpoint, "http://127.0.0.1:10000/devstoreaccount1");
    sl_azure_storage_release(&st);
    cr_assert_eq(sl_azure_connstr_parse("UseDevelopmentStorage=true;"
                                        "BlobEndpoint=http://127.0.0.1:4711/devstoreaccount1/",
                                        &st, &err),
                 SL_OK);
    cr_assert_str_eq(st.account, "devstoreaccount1");
    cr_assert_str_eq(st.endpoint, "http://127.0.0.1:4711/devstoreaccount1");
    sl_azure_storage_release(&st);
}

Test(connstr, account_forms)
{
    struct sl_azure_storage st = SL_AZURE_STORAGE_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azure_connstr_parse("DefaultEndpointsProtocol=https;AccountName=acct;"
                                        "AccountKey=a2V5;EndpointSuffix=core.chinacloudapi.cn",
                                        &st, &err),
                 SL_OK, "%s", err.msg);
    cr_assert_str_eq(st.account, "acct");
    cr_assert_str_eq(st.key, "a2V5");
    cr_assert_str_eq(st.endpoint, "https://acct.blob.core.chinacloudapi.cn");
    sl_azure_storage_release(&st);

    cr_assert_eq(sl_azure_connstr_parse(" accountname = acct ;AccountKey=a2V5==;", &st, &err),
                 SL_OK, "%s", err.msg);
    cr_assert_str_eq(st.endpoint, "https://acct.blob.core.windows.net");
    cr_assert_str_eq(st.key, "a2V5==");
    sl_azure_storage_release(&st);

    cr_assert_eq(sl_azure_connstr_parse("AccountName=devstoreaccount1;AccountKey=a2V5;"
                                        "BlobEndpoint=http://127.0.0.1:1234/devstoreaccount1/;"
                                        "QueueEndpoint=http://x/",
                                        &st, &err),
                 SL_OK, "%s", err.msg);
    cr_assert_str_eq(st.endpoint, "http://127.0.0.1:1234/devstoreaccount1");
    sl_azure_storage_release(&st);
}

Test(connstr, errors_do_not_show_the_key)
{
    struct sl_azure_storage st = SL_AZURE_STORAGE_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azure_connstr_parse("AccountKey=c2VjcmV0", &st, &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg, "the connection string has no AccountName");
    cr_assert_null(st.account);
    cr_assert_eq(sl_azure_connstr_parse("AccountName=a", &st, &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg, "the connection string has no AccountKey");
    cr_assert_eq(sl_azure_connstr_parse("AccountName=a;c2VjcmV0", &st, &err), SL_ECONFIG);
    cr_assert_null(strstr(err.msg, "c2VjcmV0"));
}

/* ---- keyvalue.azblob -------------------------------------------------------- */

static void az_cfg(struct sl_config *c, struct sl_config_value *v, const char *connstr)
{
    v[0] = (struct sl_config_value){"AZURE_STORAGE_CONNECTION_STRING", connstr};
    *c = (struct sl_config){.resource = "keyvalue.azblob", .name = "kv", .dir = ".",
                            .values = v, .nvalues = 1};
}

Test(azblob, config_errors)
{
    const struct sl_kv_backend *be = &sl_kv_backend_azblob;
    struct sl_config c = {.resource = "keyvalue.azblob", .name = "kv", .dir = "."};
    struct sl_kv_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->open(&c, str_of("box"), &st, &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg, "keyvalue.azblob: needs config 'AZURE_STORAGE_ACCOUNT' and "
                              "'AZURE_STORAGE_KEY', or 'AZURE_STORAGE_CONNECTION_STRING'");
    cr_assert_null(st);
    struct sl_config_value v[3] = {{"AZURE_STORAGE_ACCOUNT", "acct"},
                                   {"AZURE_STORAGE_KEY", "s3cr3t!!"}};
    c.values = v;
    c.nvalues = 2;
    cr_assert_eq(be->open(&c, str_of("box"), &st, &err), SL_ECONFIG);
    cr_assert_null(strstr(err.msg, "s3cr3t"), "%s", err.msg);
    cr_assert(strstr(err.msg, "AZURE_STORAGE_KEY") != NULL, "%s", err.msg);
    /* slight's two keys alone: the public endpoint; opening connects to nothing */
    v[1].value = DEV_KEY;
    st = open_ok(be, &c, "box");
    be->close(st);
}

Test(azblob, server_down_then_back, .timeout = 60)
{
    const char *bin = need_env("SLIGHT_TEST_NPM_BIN");
    const struct sl_kv_backend *be = &sl_kv_backend_azblob;
    int port = free_port();
    char connstr[256], exe[512], portstr[16], dir[] = "/tmp/sl-azurite-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(connstr, sizeof(connstr),
             "AccountName=devstoreaccount1;AccountKey=%s;"
             "BlobEndpoint=http://127.0.0.1:%d/devstoreaccount1",
             DEV_KEY, port);
    snprintf(exe, sizeof(exe), "%s/azurite-blob", bin);
    snprintf(portstr, sizeof(portstr), "%d", port);
    const char *argv[] = {exe, "--silent", "--blobHost", "127.0.0.1", "--blobPort", portstr,
                    "--location", dir, "--skipApiVersionCheck",
                    "--disableTelemetry", NULL};
    struct sl_config c;
    struct sl_config_value v[1];
    az_cfg(&c, v, connstr);
    /* down at open: open works, calls fail with connection-error */
    struct sl_kv_store *st = open_ok(be, &c, "downbox");
    struct sl_error err = SL_ERROR_INIT;
    struct sl_buf val = SL_BUF_INIT;
    cr_assert_eq(be->get(st, str_of("k"), &val, &err), SL_ECONN, "%s", err.msg);
    cr_assert(strncmp(err.msg, "keyvalue.azblob: cannot connect to", 34) == 0, "%s", err.msg);
    cr_assert_null(strstr(err.msg, DEV_KEY));

    pid_t pid = start_server(argv, port);
    cr_assert_eq(be->set(st, str_of("k"), str_of("v1"), &err), SL_OK, "%s", err.msg);
    stop_server(pid);
    cr_assert_eq(be->set(st, str_of("k"), str_of("v2"), &err), SL_ECONN, "%s", err.msg);
    struct sl_strvec keys = SL_STRVEC_INIT;
    cr_assert_eq(be->keys(st, &keys, &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(keys.n, 0);
    pid = start_server(argv, port);
    cr_assert_eq(be->set(st, str_of("k"), str_of("v3"), &err), SL_OK, "%s", err.msg);
    cr_assert_eq(be->get(st, str_of("k"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(sl_buf_cstr(&val), "v3");
    stop_server(pid);
    sl_buf_release(&val);
    be->close(st);
    be->shutdown();
    char rm[128];
    snprintf(rm, sizeof(rm), "rm -rf %s", dir);
    cr_assert_eq(system(rm), 0);
}

Test(azblob, awkward_key_names_and_wrong_key)
{
    const char *connstr = need_env("SLIGHT_TEST_AZURITE_CONNSTR");
    const struct sl_kv_backend *be = &sl_kv_backend_azblob;
    struct sl_config c;
    struct sl_config_value v[3];
    az_cfg(&c, v, connstr);
    struct sl_kv_store *st = open_ok(be, &c, uniq("awk"));
    static const char *const keys[] = {"a&b<c>\"d'", "50% off?x=1#frag", "dir/sub/leaf",
                                       "plus+and space", "ünï/çødé"};
    struct sl_error err = SL_ERROR_INIT;
    for (size_t i = 0; i < SL_ARRAY_SIZE(keys); i++)
        cr_assert_eq(be->set(st, str_of(keys[i]), str_of(keys[i]), &err), SL_OK, "set '%s': %s",
                     keys[i], err.msg);
    struct sl_strvec sv = SL_STRVEC_INIT;
    cr_assert_eq(be->keys(st, &sv, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(sv.n, SL_ARRAY_SIZE(keys));
    for (size_t i = 0; i < SL_ARRAY_SIZE(keys); i++) {
        cr_assert(sl_strvec_has(&sv, keys[i], strlen(keys[i])), "'%s' not listed", keys[i]);
        struct sl_buf val = SL_BUF_INIT;
        cr_assert_eq(be->get(st, str_of(keys[i]), &val, &err), SL_OK, "%s", err.msg);
        cr_assert_str_eq(sl_buf_cstr(&val), keys[i]);
        sl_buf_release(&val);
    }
    sl_strvec_release(&sv);
    be->close(st);

    /* a wrong key: authentication-error, and the key is not in the message */
    v[0] = (struct sl_config_value){"AZURE_STORAGE_CONNECTION_STRING", connstr};
    v[1] = (struct sl_config_value){"AZURE_STORAGE_KEY", "d3Jvbmcga2V5IGZvciB0aGUgdGVzdA=="};
    c.nvalues = 2;
    st = open_ok(be, &c, uniq("wrong"));
    cr_assert_eq(be->set(st, str_of("k"), str_of("v"), &err), SL_EAUTH, "%s", err.msg);
    cr_assert_null(strstr(err.msg, "d3Jvbmcga2V5"));
    be->close(st);
    be->shutdown();
}

/* ---- keyvalue.awsdynamodb --------------------------------------------------- */

struct dy_cfg {
    struct sl_config_value v[6];
    struct sl_config c;
};

static void dy_cfg(struct dy_cfg *k, const char *endpoint)
{
    k->v[0] = (struct sl_config_value){"AWS_ENDPOINT_URL", endpoint};
    k->v[1] = (struct sl_config_value){"AWS_ACCESS_KEY_ID", "AKIDSLIGHTTEST"};
    k->v[2] = (struct sl_config_value){"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENGsecret"};
    k->v[3] = (struct sl_config_value){"AWS_DEFAULT_REGION", "eu-west-1"};
    k->c = (struct sl_config){.resource = "keyvalue.awsdynamodb", .name = "kv", .dir = ".",
                              .values = k->v, .nvalues = 4};
}

/* The raw item of key in table, as DynamoDB returns it (JSON text). */
static void raw_get_item(const char *endpoint, const char *table, const char *key,
                         struct sl_buf *out)
{
    char body[512];
    snprintf(body, sizeof(body), "{\"TableName\":\"%s\",\"Key\":{\"key\":{\"S\":\"%s\"}}}",
             table, key);
    const char *h[] = {"Content-Type: application/x-amz-json-1.0",
                       "X-Amz-Target: DynamoDB_20120810.GetItem"};
    struct sl_http_request req = {.method = "POST", .url = endpoint, .headers = h, .nheaders = 2,
                                  .send_body = true, .body = body, .body_len = strlen(body),
                                  .aws_sigv4 = "aws:amz:eu-west-1:dynamodb", .username = "AKID",
                                  .password = "x"};
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_http_perform("test", &req, &resp, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(resp.status, 200, "%s", sl_buf_cstr(&resp.body));
    sl_buf_append(out, resp.body.data, resp.body.len);
    sl_http_response_release(&resp);
}

Test(awsdynamodb, config_errors)
{
    const struct sl_kv_backend *be = &sl_kv_backend_awsdynamodb;
    struct dy_cfg k;
    dy_cfg(&k, "http://127.0.0.1:9");
    k.c.nvalues = 3; /* no region */
    struct sl_kv_store *st = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->open(&k.c, str_of("tbl"), &st, &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg,
                     "keyvalue.awsdynamodb: needs config 'AWS_REGION' or 'AWS_DEFAULT_REGION'");
    k.c.nvalues = 1; /* no credentials */
    cr_assert_eq(be->open(&k.c, str_of("tbl"), &st, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "AWS_ACCESS_KEY_ID") != NULL, "%s", err.msg);
    /* both region keys: AWS_REGION wins; the credentials stay out of the environment */
    k.v[4] = (struct sl_config_value){"AWS_REGION", "us-east-2"};
    k.v[5] = (struct sl_config_value){"AWS_SESSION_TOKEN", "tok"};
    k.c.nvalues = 6;
    st = open_ok(be, &k.c, "tbl");
    cr_assert_null(getenv("AWS_SECRET_ACCESS_KEY"));
    cr_assert_null(getenv("AWS_ACCESS_KEY_ID"));
    /* nothing listens on port 9 */
    struct sl_buf val = SL_BUF_INIT;
    cr_assert_eq(be->get(st, str_of("k"), &val, &err), SL_ECONN, "%s", err.msg);
    cr_assert_null(strstr(err.msg, "wJalrX"), "%s", err.msg);
    cr_assert_null(strstr(err.msg, "AKIDSLIGHTTEST"), "%s", err.msg);
    be->close(st);
    be->shutdown();
}

Test(awsdynamodb, text_as_s_bytes_as_b)
{
    const char *ep = need_env("SLIGHT_TEST_DYNAMODB_ENDPOINT");
    const struct sl_kv_backend *be = &sl_kv_backend_awsdynamodb;
    struct dy_cfg k;
    dy_cfg(&k, ep);
    const char *table = uniq("types");
    struct sl_kv_store *st = open_ok(be, &k.c, table);
    struct sl_error err = SL_ERROR_INIT;
    static const unsigned char bin[] = {0xff, 0x00, 'a', 0x80};
    cr_assert_eq(be->set(st, str_of("text"), str_of("héllo \"wörld\""), &err), SL_OK, "%s",
                 err.msg);
    cr_assert_eq(be->set(st, str_of("bytes"), (struct sl_str){(const char *)bin, sizeof(bin)},
                         &err),
                 SL_OK, "%s", err.msg);
    cr_assert_eq(be->set(st, str_of("nul"), (struct sl_str){"a\0b", 3}, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_eq(be->set(st, str_of("empty"), (struct sl_str){NULL, 0}, &err), SL_OK, "%s",
                 err.msg);

    struct sl_buf raw = SL_BUF_INIT;
    raw_get_item(ep, table, "text", &raw);
    cr_assert(strstr(raw.data, "\"value\":{\"S\":\"héllo \\\"wörld\\\"\"}") != NULL, "%s",
              raw.data);
    sl_buf_reset(&raw);
    raw_get_item(ep, table, "bytes", &raw);
    cr_assert(strstr(raw.data, "\"value\":{\"B\":\"/wBhgA==\"}") != NULL, "%s", raw.data);
    sl_buf_reset(&raw);
    raw_get_item(ep, table, "nul", &raw);
    cr_assert(strstr(raw.data, "\"B\":\"YQBi\"") != NULL, "%s", raw.data);
    sl_buf_release(&raw);

    struct sl_buf val = SL_BUF_INIT;
    cr_assert_eq(be->get(st, str_of("bytes"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(val.len, sizeof(bin));
    cr_assert_eq(memcmp(val.data, bin, sizeof(bin)), 0);
    sl_buf_reset(&val);
    cr_assert_eq(be->get(st, str_of("text"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(val.data, "héllo \"wörld\"");
    sl_buf_reset(&val);
    cr_assert_eq(be->get(st, str_of("empty"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(val.len, 0);
    sl_buf_release(&val);
    be->close(st);
    be->shutdown();
}

Test(awsdynamodb, big_items_and_scans_over_one_megabyte, .timeout = 120)
{
    const char *ep = need_env("SLIGHT_TEST_DYNAMODB_ENDPOINT");
    const struct sl_kv_backend *be = &sl_kv_backend_awsdynamodb;
    struct dy_cfg k;
    dy_cfg(&k, ep);
    struct sl_kv_store *st = open_ok(be, &k.c, uniq("big"));
    struct sl_error err = SL_ERROR_INIT;
    size_t len = 300 * 1000;
    char *v = sl_malloc(len);
    cr_assert_not_null(v);
    enum { N = 6 }; /* 1.8 MB: a Scan stops at 1 MB and the rest comes on another page */
    for (int i = 0; i < N; i++) {
        memset(v, 'a' + i, len);
        char key[16];
        snprintf(key, sizeof(key), "big-%d", i);
        cr_assert_eq(be->set(st, str_of(key), (struct sl_str){v, len}, &err), SL_OK, "%s",
                     err.msg);
    }
    struct sl_strvec sv = SL_STRVEC_INIT;
    cr_assert_eq(be->keys(st, &sv, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(sv.n, N);
    sl_strvec_release(&sv);
    struct sl_buf val = SL_BUF_INIT;
    cr_assert_eq(be->get(st, str_of("big-3"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(val.len, len);
    cr_assert_eq(val.data[len - 1], 'd');
    sl_buf_release(&val);
    /* over DynamoDB's 400 KB item limit: invalid-value */
    char *huge = sl_realloc(v, 500 * 1000);
    cr_assert_not_null(huge);
    memset(huge, 'z', 500 * 1000);
    cr_assert_eq(be->set(st, str_of("huge"), (struct sl_str){huge, 500 * 1000}, &err),
                 SL_EINVALVALUE, "%s", err.msg);
    sl_free(huge);
    be->close(st);
    be->shutdown();
}

Test(awsdynamodb, reads_items_written_by_slight)
{
    const char *ep = need_env("SLIGHT_TEST_DYNAMODB_ENDPOINT");
    const struct sl_kv_backend *be = &sl_kv_backend_awsdynamodb;
    struct dy_cfg k;
    dy_cfg(&k, ep);
    const char *table = uniq("old");
    struct sl_kv_store *st = open_ok(be, &k.c, table);
    struct sl_error err = SL_ERROR_INIT;
    /* creates the table */
    cr_assert_eq(be->set(st, str_of("x"), str_of("y"), &err), SL_OK, "%s", err.msg);
    char body[256];
    snprintf(body, sizeof(body),
             "{\"TableName\":\"%s\",\"Item\":{\"key\":{\"S\":\"k\"},\"value\":{\"S\":\"v\"}}}",
             table);
    const char *h[] = {"Content-Type: application/x-amz-json-1.0",
                       "X-Amz-Target: DynamoDB_20120810.PutItem"};
    struct sl_http_request req = {.method = "POST", .url = ep, .headers = h, .nheaders = 2,
                                  .send_body = true, .body = body, .body_len = strlen(body),
                                  .aws_sigv4 = "aws:amz:eu-west-1:dynamodb", .username = "AKID",
                                  .password = "x"};
    struct sl_http_response resp = SL_HTTP_RESPONSE_INIT;
    cr_assert_eq(sl_http_perform("test", &req, &resp, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(resp.status, 200);
    sl_http_response_release(&resp);
    struct sl_buf val = SL_BUF_INIT;
    cr_assert_eq(be->get(st, str_of("k"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(val.data, "v");
    sl_buf_release(&val);
    be->close(st);
    be->shutdown();
}

Test(awsdynamodb, server_down_then_back, .timeout = 60)
{
    const char *bin = need_env("SLIGHT_TEST_NPM_BIN");
    const struct sl_kv_backend *be = &sl_kv_backend_awsdynamodb;
    int port = free_port();
    char endpoint[64], exe[512], portstr[16];
    snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", port);
    snprintf(exe, sizeof(exe), "%s/dynalite", bin);
    snprintf(portstr, sizeof(portstr), "%d", port);
    const char *argv[] = {exe, "--host", "127.0.0.1", "--port", portstr, "--createTableMs", "0", NULL};
    struct dy_cfg k;
    dy_cfg(&k, endpoint);
    struct sl_kv_store *st = open_ok(be, &k.c, "downtable");
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(be->set(st, str_of("k"), str_of("v"), &err), SL_ECONN, "%s", err.msg);
    pid_t pid = start_server(argv, port);
    cr_assert_eq(be->set(st, str_of("k"), str_of("v1"), &err), SL_OK, "%s", err.msg);
    stop_server(pid);
    struct sl_buf val = SL_BUF_INIT;
    cr_assert_eq(be->get(st, str_of("k"), &val, &err), SL_ECONN, "%s", err.msg);
    struct sl_strvec sv = SL_STRVEC_INIT;
    cr_assert_eq(be->keys(st, &sv, &err), SL_ECONN, "%s", err.msg);
    pid = start_server(argv, port);
    cr_assert_eq(be->set(st, str_of("k"), str_of("v2"), &err), SL_OK, "%s", err.msg);
    cr_assert_eq(be->get(st, str_of("k"), &val, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(sl_buf_cstr(&val), "v2");
    stop_server(pid);
    sl_buf_release(&val);
    be->close(st);
    be->shutdown();
}
