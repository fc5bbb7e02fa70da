/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_msg_azsbus.c -- messaging.azsbus without the service (none is
 * reachable here): SAS tokens against signatures computed independently
 * (openssl at test-writing time, libsodium here), the requests built for
 * each operation, what each status means, config errors at open, and a
 * namespace host nobody answers on.
 */
#include "sl_common.h"

#include "capabilities/messaging/msg.h"
#include "cloud/azure_sas.h"
#include "cloud/azure_servicebus.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/mem.h"

#include <criterion/criterion.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define RESOURCE "messaging.azsbus"

static void teardown(void)
{
    sl_msg_shutdown();
}

TestSuite(azsbus, .fini = teardown);

/* ---- SAS tokens ------------------------------------------------------------- */

#define URI    "https://myns.servicebus.windows.net/orders"
#define KEY    "abcDEF123+/=keyText"
#define EXPIRY 1700000000u
/*
 * printf 'https%%3A%%2F%%2Fmyns.servicebus.windows.net%%2Forders\n1700000000' \
 *   | openssl dgst -sha256 -hmac 'abcDEF123+/=keyText' -binary | base64
 */
#define OPENSSL_SIG "7uaEZYUT3ISabvmkYWwbJpqhGGPDYNVYQkRyfKD0ay8="
#define TOKEN                                                                     \
    "SharedAccessSignature sr=https%3A%2F%2Fmyns.servicebus.windows.net%2Forders" \
    "&sig=7uaEZYUT3ISabvmkYWwbJpqhGGPDYNVYQkRyfKD0ay8%3D&se=1700000000"           \
    "&skn=RootManageSharedAccessKey"

Test(azsbus, sas_string_to_sign)
{
    struct sl_buf b = SL_BUF_INIT;
    cr_assert_eq(sl_azure_sas_string_to_sign(URI, EXPIRY, &b), SL_OK);
    cr_assert_str_eq(b.data, "https%3A%2F%2Fmyns.servicebus.windows.net%2Forders\n1700000000");
    sl_buf_release(&b);
}

Test(azsbus, sas_token_matches_openssl)
{
    struct sl_buf b = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azure_sas_token(URI, "RootManageSharedAccessKey", KEY, EXPIRY, &b, &err), SL_OK,
                 "%s", err.msg);
    cr_assert_str_eq(b.data, TOKEN);
    sl_buf_release(&b);
}

/* Percent-encodes a base64 signature as a token carries it. */
static void encode_b64(const char *in, char *out, size_t outsz)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 4 < outsz; p++)
        o += (size_t)snprintf(out + o, outsz - o,
                              *p == '+'   ? "%%2B"
                              : *p == '/' ? "%%2F"
                              : *p == '=' ? "%%3D"
                                          : "%c",
                              *p);
    out[o] = '\0';
}

Test(azsbus, sas_token_matches_libsodium)
{
    cr_assert(sodium_init() >= 0);
    /* keys are the text Azure shows: "AAAA" is four 'A' bytes, not base64 for three zeros */
    static const char *const keys[] = {"AAAA", "a much longer key of forty-four characters ..",
                                       "\xc3\xa9t\xc3\xa9"};
    for (size_t k = 0; k < SL_ARRAY_SIZE(keys); k++) {
        for (uint64_t se = 1; se < 4000000000u; se = se * 7 + 12345) {
            char sts[256];
            snprintf(sts, sizeof(sts), "https%%3A%%2F%%2Fx.servicebus.windows.net%%2Fa%%2Fb\n%llu",
                     (unsigned long long)se);
            unsigned char mac[crypto_auth_hmacsha256_BYTES];
            crypto_auth_hmacsha256_state st;
            crypto_auth_hmacsha256_init(&st, (const unsigned char *)keys[k], strlen(keys[k]));
            crypto_auth_hmacsha256_update(&st, (const unsigned char *)sts, strlen(sts));
            crypto_auth_hmacsha256_final(&st, mac);
            char b64[64], enc[128], want[512];
            sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
            encode_b64(b64, enc, sizeof(enc));
            snprintf(want, sizeof(want),
                     "SharedAccessSignature sr=https%%3A%%2F%%2Fx.servicebus.windows.net%%2Fa%%2Fb"
                     "&sig=%s&se=%llu&skn=send",
                     enc, (unsigned long long)se);
            struct sl_buf b = SL_BUF_INIT;
            struct sl_error err = SL_ERROR_INIT;
            cr_assert_eq(sl_azure_sas_token("https://x.servicebus.windows.net/a/b", "send", keys[k],
                                            se, &b, &err),
                         SL_OK, "%s", err.msg);
            cr_assert_str_eq(b.data, want);
            sl_buf_release(&b);
        }
    }
}

Test(azsbus, sas_token_refuses_what_would_break_it)
{
    struct sl_buf b = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_azure_sas_token(URI, "a&b", KEY, EXPIRY, &b, &err), SL_EINVAL);
    cr_assert(strstr(err.msg, "'a&b'") != NULL, "%s", err.msg);
    cr_assert_eq(sl_azure_sas_token(URI, "", KEY, EXPIRY, &b, &err), SL_EINVAL);
    cr_assert_eq(sl_azure_sas_token(URI, "x y", KEY, EXPIRY, &b, &err), SL_EINVAL);
    cr_assert_eq(sl_azure_sas_token(URI, "send", "", EXPIRY, &b, &err), SL_EINVAL);
    cr_assert_eq(b.len, 0);
    sl_buf_release(&b);
}

/* ---- requests --------------------------------------------------------------- */

static const struct sl_sbus_account acct = {"myns.servicebus.windows.net",
                                            "RootManageSharedAccessKey", KEY};

Test(azsbus, namespace_to_host)
{
    char *host = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_sbus_host("myns", &host, &err), SL_OK);
    cr_assert_str_eq(host, "myns.servicebus.windows.net");
    sl_free(host);
    cr_assert_eq(sl_sbus_host("myns.servicebus.chinacloudapi.cn", &host, &err), SL_OK);
    cr_assert_str_eq(host, "myns.servicebus.chinacloudapi.cn");
    sl_free(host);
    static const char *const bad[] = {"", "my ns", "-x", "a..b", "a.", "ns/x", "ns?x", "u@ns"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        cr_assert_eq(sl_sbus_host(bad[i], &host, &err), SL_ECONFIG, "'%s'", bad[i]);
        cr_assert_null(host);
    }
}

Test(azsbus, send_request)
{
    struct sl_sbus_request r = {0};
    struct sl_error err = SL_ERROR_INIT;
    /* expiry = now + one hour: the token of the openssl vector */
    cr_assert_eq(sl_sbus_request_build(&acct, SL_SBUS_SEND, "orders", 6, NULL, 0,
                                       EXPIRY - SL_AZURE_SAS_TTL_S, &r, &err),
                 SL_OK, "%s", err.msg);
    cr_assert_str_eq(r.method, "POST");
    cr_assert_str_eq(r.url, URI "/messages");
    cr_assert_eq(r.nheaders, 2);
    cr_assert_str_eq(r.headers[0], "Authorization: " TOKEN);
    cr_assert_str_eq(r.headers[1], "Content-Type: application/octet-stream");
    cr_assert_null(r.body);
    sl_sbus_request_release(&r);
    cr_assert_null(r.url);
}

Test(azsbus, subscription_requests)
{
    struct sl_sbus_request r = {0};
    struct sl_error err = SL_ERROR_INIT;
    const char *sub = "slight-6f1c0d9e-58a4-4a4b-9b7e-0c1d2e3f4a5b";
    cr_assert_eq(sl_sbus_request_build(&acct, SL_SBUS_CREATE_SUBSCRIPTION, "orders", 6, sub, 0,
                                       EXPIRY - SL_AZURE_SAS_TTL_S, &r, &err),
                 SL_OK, "%s", err.msg);
    cr_assert_str_eq(r.method, "PUT");
    cr_assert_str_eq(r.url, URI "/subscriptions/slight-6f1c0d9e-58a4-4a4b-9b7e-0c1d2e3f4a5b"
                                "?api-version=2017-04");
    cr_assert_eq(r.nheaders, 2);
    cr_assert_str_eq(r.headers[0], "Authorization: " TOKEN); /* the topic's token covers it */
    cr_assert_str_eq(r.headers[1], "Content-Type: application/atom+xml;type=entry;charset=utf-8");
    cr_assert_not_null(r.body);
    cr_assert_eq(strlen(r.body), r.body_len);
    cr_assert(strstr(r.body, "<entry xmlns=\"http://www.w3.org/2005/Atom\">") != NULL);
    cr_assert(strstr(r.body, "<SubscriptionDescription xmlns:i=\"http://www.w3.org/2001/"
                             "XMLSchema-instance\" xmlns=\"http://schemas.microsoft.com/"
                             "netservices/2010/10/servicebus/connect\">")
              != NULL);
    cr_assert(strstr(r.body, "<AutoDeleteOnIdle>P1D</AutoDeleteOnIdle>") != NULL, "%s", r.body);
    sl_sbus_request_release(&r);

    cr_assert_eq(sl_sbus_request_build(&acct, SL_SBUS_RECEIVE, "orders", 6, sub, 1,
                                       EXPIRY - SL_AZURE_SAS_TTL_S, &r, &err),
                 SL_OK);
    cr_assert_str_eq(r.method, "DELETE");
    cr_assert_str_eq(r.url, URI "/subscriptions/"
                                "slight-6f1c0d9e-58a4-4a4b-9b7e-0c1d2e3f4a5b"
                                "/messages/head?timeout=1");
    cr_assert_eq(r.nheaders, 1);
    cr_assert_str_eq(r.headers[0], "Authorization: " TOKEN);
    cr_assert_null(r.body);
    sl_sbus_request_release(&r);

    cr_assert_eq(sl_sbus_request_build(&acct, SL_SBUS_DELETE_SUBSCRIPTION, "orders", 6, sub, 0,
                                       EXPIRY - SL_AZURE_SAS_TTL_S, &r, &err),
                 SL_OK);
    cr_assert_str_eq(r.method, "DELETE");
    cr_assert_str_eq(r.url, URI "/subscriptions/slight-6f1c0d9e-58a4-4a4b-9b7e-0c1d2e3f4a5b"
                                "?api-version=2017-04");
    sl_sbus_request_release(&r);
}

Test(azsbus, topics_are_encoded_in_url_and_token)
{
    struct sl_sbus_request r = {0};
    struct sl_error err = SL_ERROR_INIT;
    const char topic[] = "sales/eu west?#%";
    cr_assert_eq(
        sl_sbus_request_build(&acct, SL_SBUS_SEND, topic, sizeof(topic) - 1, NULL, 0, 0, &r, &err),
        SL_OK);
    /* '/' stays Service Bus's path separator; the rest is percent-encoded */
    cr_assert_str_eq(r.url,
                     "https://myns.servicebus.windows.net/sales/eu%20west%3F%23%25/messages");
    const char *sr = "sr=https%3A%2F%2Fmyns.servicebus.windows.net%2Fsales%2Feu%2520west%253F%2523"
                     "%2525&";
    cr_assert(strstr(r.headers[0], sr) != NULL, "%s", r.headers[0]);
    cr_assert(strstr(r.headers[0], "&se=3600&skn=RootManageSharedAccessKey") != NULL);
    sl_sbus_request_release(&r);
    const struct sl_sbus_account bad = {"myns.servicebus.windows.net", "a=b", KEY};
    cr_assert_eq(sl_sbus_request_build(&bad, SL_SBUS_SEND, "t", 1, NULL, 0, 0, &r, &err),
                 SL_EINVAL);
    cr_assert_null(r.url);
    cr_assert_eq(r.nheaders, 0);
}

Test(azsbus, status_meanings)
{
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_sbus_status(SL_SBUS_SEND, 201, "t", 1, &err), SL_OK);
    cr_assert_eq(sl_sbus_status(SL_SBUS_CREATE_SUBSCRIPTION, 201, "t", 1, &err), SL_OK);
    cr_assert_eq(sl_sbus_status(SL_SBUS_CREATE_SUBSCRIPTION, 409, "t", 1, &err), SL_OK);
    cr_assert_eq(sl_sbus_status(SL_SBUS_RECEIVE, 200, "t", 1, &err), SL_OK);
    cr_assert_eq(sl_sbus_status(SL_SBUS_RECEIVE, 204, "t", 1, &err), SL_ETIMEOUT);
    cr_assert_eq(sl_sbus_status(SL_SBUS_DELETE_SUBSCRIPTION, 200, "t", 1, &err), SL_OK);
    cr_assert_eq(sl_sbus_status(SL_SBUS_DELETE_SUBSCRIPTION, 404, "t", 1, &err), SL_OK);

    cr_assert_eq(sl_sbus_status(SL_SBUS_SEND, 200, "t", 1, &err), SL_EIO);
    cr_assert_str_eq(err.msg, "cannot publish to 't': HTTP 200 (unexpected status)");
    cr_assert_eq(sl_sbus_status(SL_SBUS_SEND, 401, "orders", 6, &err), SL_EAUTH);
    cr_assert_str_eq(err.msg, "cannot publish to 'orders': HTTP 401 (the SAS token was refused: "
                              "check AZURE_POLICY_NAME and AZURE_POLICY_KEY)");
    cr_assert_eq(sl_sbus_status(SL_SBUS_CREATE_SUBSCRIPTION, 403, "t", 1, &err), SL_EAUTH);
    cr_assert(strstr(err.msg, "Manage") != NULL, "%s", err.msg);
    cr_assert_eq(sl_sbus_status(SL_SBUS_SEND, 404, "orders", 6, &err), SL_ENOTFOUND);
    cr_assert_str_eq(err.msg, "cannot publish to 'orders': HTTP 404 (no such topic)");
    cr_assert_eq(sl_sbus_status(SL_SBUS_RECEIVE, 404, "t", 1, &err), SL_ENOTFOUND);
    cr_assert(strstr(err.msg, "subscription no longer exists") != NULL, "%s", err.msg);
    cr_assert_eq(sl_sbus_status(SL_SBUS_RECEIVE, 410, "t", 1, &err), SL_ENOTFOUND);
    cr_assert_eq(sl_sbus_status(SL_SBUS_SEND, 413, "t", 1, &err), SL_EINVALVALUE);
    cr_assert_eq(sl_sbus_status(SL_SBUS_SEND, 400, "t", 1, &err), SL_EINVAL);
    static const long busy[] = {429, 500, 503};
    for (size_t i = 0; i < SL_ARRAY_SIZE(busy); i++)
        cr_assert_eq(sl_sbus_status(SL_SBUS_RECEIVE, busy[i], "t", 1, &err), SL_ECONN);
    cr_assert_eq(sl_sbus_status(SL_SBUS_SEND, 418, "t", 1, &err), SL_EIO);
}

/* ---- the backend, without a service ------------------------------------------- */

static struct sl_slightfile_capability cap;
static struct sl_cap_entry ent;
static struct sl_config_value vals[3];
static char cap_name[] = "bus", cap_res[] = RESOURCE;

static sl_err open_with(const char *ns, const char *policy, const char *key,
                        struct sl_msg_client **c, struct sl_error *err)
{
    cr_assert_not_null(sl_msg_registry_find("azsbus", NULL), "messaging.azsbus is not built");
    size_t n = 0;
    if (ns != NULL)
        vals[n++] = (struct sl_config_value){"AZURE_SERVICE_BUS_NAMESPACE", ns};
    if (policy != NULL)
        vals[n++] = (struct sl_config_value){"AZURE_POLICY_NAME", policy};
    if (key != NULL)
        vals[n++] = (struct sl_config_value){"AZURE_POLICY_KEY", key};
    cap = (struct sl_slightfile_capability){.name = cap_name,
                                            .resource = cap_res,
                                            .canonical = RESOURCE,
                                            .type = "messaging",
                                            .backend = "azsbus",
                                            .line = 1};
    ent = (struct sl_cap_entry){
        .cap = &cap,
        .config = {.resource = RESOURCE, .name = "bus", .dir = ".", .values = vals, .nvalues = n}};
    *c = NULL;
    return sl_msg_client_open(&ent, c, err);
}

Test(azsbus, config_errors_at_open)
{
    struct sl_msg_client *c = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(open_with(NULL, "p", "k", &c, &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg, RESOURCE ": needs config 'AZURE_SERVICE_BUS_NAMESPACE'");
    cr_assert_eq(open_with("ns", NULL, "k", &c, &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg, RESOURCE ": needs config 'AZURE_POLICY_NAME'");
    cr_assert_eq(open_with("ns", "p", "", &c, &err), SL_ECONFIG);
    cr_assert_str_eq(err.msg, RESOURCE ": needs config 'AZURE_POLICY_KEY'");
    cr_assert_eq(open_with("my ns", "p", "k", &c, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "AZURE_SERVICE_BUS_NAMESPACE") != NULL, "%s", err.msg);
    cr_assert_eq(open_with("ns", "p&q", "secret-key", &c, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "AZURE_POLICY_NAME") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "secret-key") == NULL, "the key is never shown: %s", err.msg);
    cr_assert_null(c);
}

Test(azsbus, open_makes_no_request_and_tokens_are_checked)
{
    struct sl_msg_client *c = NULL;
    struct sl_error err = SL_ERROR_INIT;
    /* a namespace that does not exist: open works, nothing is sent yet */
    cr_assert_eq(open_with("slight-test-nonexistent.invalid", "p", "k", &c, &err), SL_OK, "%s",
                 err.msg);
    struct sl_buf got = SL_BUF_INIT;
    cr_assert_eq(sl_msg_receive(c, (struct sl_str){"nope", 4}, NULL, NULL, &got, &err), SL_EINVAL);
    cr_assert(strstr(err.msg, "unknown subscription token") != NULL, "%s", err.msg);
    sl_buf_release(&got);
    sl_msg_client_close(c);
}

Test(azsbus, unreachable_service_is_connection_lost, .timeout = 60)
{
    struct sl_msg_client *c = NULL;
    struct sl_error err = SL_ERROR_INIT;
    /* a host that refuses HTTPS at once (nothing listens on 127.0.0.1:443 here) */
    cr_assert_eq(open_with("127.0.0.1", "p", "k", &c, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(sl_msg_publish(c, (struct sl_str){"t", 1}, (struct sl_str){"m", 1}, &err),
                 SL_ECONN, "%s", err.msg);
    cr_assert(strncmp(err.msg, RESOURCE ": ", strlen(RESOURCE) + 2) == 0, "%s", err.msg);
    struct sl_buf tok = SL_BUF_INIT;
    cr_assert_eq(sl_msg_subscribe(c, (struct sl_str){"t", 1}, &tok, &err), SL_ECONN, "%s", err.msg);
    cr_assert_eq(tok.len, 0);
    sl_buf_release(&tok);
    sl_msg_client_close(c);
}
