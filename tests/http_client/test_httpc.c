/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_httpc.c -- the http-client front end without a network: ALLOWED_HOSTS
 * patterns (syntax and matching), the settings and their start-up check. The
 * requests themselves are tested end to end by run_http_client.sh.
 */
#include "sl_common.h"

#include "capabilities/http_client/httpc.h"

#include <criterion/criterion.h>
#include <string.h>

Test(httpc_hosts, star_allows_all)
{
    cr_assert(sl_httpc_host_allowed("*", "example.com", 443));
    cr_assert(sl_httpc_host_allowed("*", "[::1]", 8080));
    cr_assert(sl_httpc_host_allowed(" * ", "127.0.0.1", 1));
}

Test(httpc_hosts, exact_host_any_port_case_and_trailing_dot)
{
    cr_assert(sl_httpc_host_allowed("example.com", "example.com", 80));
    cr_assert(sl_httpc_host_allowed("Example.COM", "example.com", 8443));
    cr_assert(sl_httpc_host_allowed("example.com.", "example.com", 80));
    cr_assert(sl_httpc_host_allowed("example.com", "example.com.", 80));
    cr_assert_not(sl_httpc_host_allowed("example.com", "www.example.com", 80));
    cr_assert_not(sl_httpc_host_allowed("example.com", "example.co", 80));
    cr_assert_not(sl_httpc_host_allowed("example.com", "example.com.evil", 80));
}

Test(httpc_hosts, ports)
{
    cr_assert(sl_httpc_host_allowed("api.test:8080", "api.test", 8080));
    cr_assert_not(sl_httpc_host_allowed("api.test:8080", "api.test", 80));
    cr_assert(sl_httpc_host_allowed("api.test:*", "api.test", 1));
    cr_assert(sl_httpc_host_allowed("*:443", "anything.example", 443));
    cr_assert_not(sl_httpc_host_allowed("*:443", "anything.example", 80));
}

Test(httpc_hosts, wildcards)
{
    cr_assert(sl_httpc_host_allowed("*.example.com", "a.example.com", 443));
    cr_assert(sl_httpc_host_allowed("*.example.com", "a.b.example.com", 443));
    cr_assert_not(sl_httpc_host_allowed("*.example.com", "example.com", 443));
    cr_assert_not(sl_httpc_host_allowed("*.example.com", "a.example.com.evil.net", 443));
    cr_assert(sl_httpc_host_allowed("127.0.0.*", "127.0.0.1", 80));
    cr_assert(sl_httpc_host_allowed("api-*.test", "api-eu.test", 80));
    cr_assert(sl_httpc_host_allowed("a*b*c", "axxbyyc", 80));
    cr_assert_not(sl_httpc_host_allowed("a*b*c", "axxbyy", 80));
}

Test(httpc_hosts, lists_and_ipv6)
{
    const char *list = "example.com, 10.0.0.1:8080 ,[::1]:3000,,*.internal";
    cr_assert(sl_httpc_host_allowed(list, "example.com", 80));
    cr_assert(sl_httpc_host_allowed(list, "10.0.0.1", 8080));
    cr_assert_not(sl_httpc_host_allowed(list, "10.0.0.1", 80));
    cr_assert(sl_httpc_host_allowed(list, "[::1]", 3000));
    cr_assert_not(sl_httpc_host_allowed(list, "[::1]", 3001));
    cr_assert(sl_httpc_host_allowed(list, "db.internal", 5432));
    cr_assert_not(sl_httpc_host_allowed(list, "other.net", 80));
    cr_assert(sl_httpc_host_allowed("[::1]", "[::1]", 1));
}

Test(httpc_hosts, empty_list_allows_nothing)
{
    cr_assert_not(sl_httpc_host_allowed("", "example.com", 80));
    cr_assert_not(sl_httpc_host_allowed(" , ", "example.com", 80));
    cr_assert_eq(sl_httpc_hosts_check("", NULL), SL_OK);
}

Test(httpc_hosts, syntax)
{
    const char *good[] = {"*", "a.b", "a.b:1", "a.b:65535", "*:*", "[::1]", "[fe80::1]:80",
                          "x, y ,z"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(good); i++)
        cr_assert_eq(sl_httpc_hosts_check(good[i], NULL), SL_OK, "%s", good[i]);
    const char *bad[] = {"a:b:c", "::1", "host:", "host:0", "host:65536", "host:12x",
                         "h/path", "user@h", "[::1", "[]", "[::1]x", ":80", "a b"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_httpc_hosts_check(bad[i], &err), SL_EINVAL, "%s", bad[i]);
        cr_assert(strstr(err.msg, "invalid host pattern") != NULL, "%s", err.msg);
        cr_assert_not(sl_httpc_host_allowed(bad[i], "h", 80), "%s", bad[i]);
    }
}

Test(httpc_settings, defaults_without_a_slightfile)
{
    struct sl_httpc_settings s;
    cr_assert_eq(sl_httpc_settings(NULL, &s, NULL), SL_OK);
    cr_assert_str_eq(s.allowed_hosts, "*");
    cr_assert_eq(s.timeout_ms, SL_HTTPC_DEFAULT_TIMEOUT_MS);
}

Test(httpc_info, the_capability_has_no_backend_part)
{
    const struct sl_cap_backend_info *info = sl_httpc_backend_info("");
    cr_assert_not_null(info);
    cr_assert_str_eq(info->resource, "http-client");
    cr_assert_str_eq(info->config_keys[0].name, "ALLOWED_HOSTS");
    cr_assert_str_eq(info->config_keys[1].name, "TIMEOUT");
    cr_assert_null(sl_httpc_backend_info("curl"));
    cr_assert_eq(sl_caps_backend_info("http-client"), info);
    cr_assert_null(sl_caps_backend_info("http"));
}

/* The start-up check of one entry's config values. */
static sl_err check(const char *hosts, const char *timeout, struct sl_error *err)
{
    struct sl_config_value v[2];
    size_t n = 0;
    if (hosts != NULL)
        v[n++] = (struct sl_config_value){"ALLOWED_HOSTS", hosts};
    if (timeout != NULL)
        v[n++] = (struct sl_config_value){"TIMEOUT", timeout};
    struct sl_config cfg = {.resource = "http-client", .name = "c", .dir = ".", .values = v,
                            .nvalues = n};
    return sl_httpc_config_check(&cfg, err);
}

Test(httpc_settings, startup_check)
{
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(check(NULL, NULL, &err), SL_OK);
    cr_assert_eq(check("*.example.com, 10.0.0.1:80", "250ms", &err), SL_OK);
    cr_assert_eq(check(NULL, "30", &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "http-client: config TIMEOUT: invalid duration '30'") != NULL, "%s",
              err.msg);
    cr_assert_eq(check(NULL, "0ms", &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "must not be zero") != NULL, "%s", err.msg);
    cr_assert_eq(check("ok.example, bad:port", NULL, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "config ALLOWED_HOSTS: invalid host pattern 'bad:port'") != NULL,
              "%s", err.msg);
}
