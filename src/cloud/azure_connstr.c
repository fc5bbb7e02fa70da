/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_connstr.c -- parsing of Azure Storage connection strings
 * (key=value pairs separated by ';') into account, key and Blob endpoint.
 * It does not handle SAS tokens or the Queue/Table/File endpoints.
 */
#include "sl_common.h"

#include "azure_connstr.h"

#include "common/buf.h"
#include "common/mem.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void sl_azure_storage_release(struct sl_azure_storage *st)
{
    if (st->key != NULL)
        memset(st->key, 0, strlen(st->key));
    sl_free(st->account);
    sl_free(st->key);
    sl_free(st->endpoint);
    *st = (struct sl_azure_storage)SL_AZURE_STORAGE_INIT;
}

/* Field names the parser knows; the rest are ignored. */
enum { F_DEV, F_PROTO, F_ACCOUNT, F_KEY, F_BLOB, F_SUFFIX, F_COUNT };
static const char *const field_names[F_COUNT] = {
    "UseDevelopmentStorage", "DefaultEndpointsProtocol", "AccountName",
    "AccountKey",            "BlobEndpoint",             "EndpointSuffix",
};

static char *trimmed_dup(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return sl_strndup(s, len);
}

sl_err sl_azure_connstr_parse(const char *s, struct sl_azure_storage *out, struct sl_error *err)
{
    char *f[F_COUNT] = {NULL};
    sl_err rc = SL_OK;
    for (const char *p = s; *p && rc == SL_OK;) {
        size_t len = strcspn(p, ";");
        const char *eq = memchr(p, '=', len);
        if (eq != NULL) {
            char *name = trimmed_dup(p, (size_t)(eq - p));
            if (name == NULL) {
                rc = SL_ENOMEM;
                break;
            }
            for (int i = 0; i < F_COUNT; i++)
                if (strcasecmp(name, field_names[i]) == 0) {
                    sl_free(f[i]);
                    f[i] = trimmed_dup(eq + 1, len - (size_t)(eq - p) - 1);
                    if (f[i] == NULL)
                        rc = SL_ENOMEM;
                }
            sl_free(name);
        } else {
            /* a part without '=' is not shown: it could be a pasted key */
            for (size_t i = 0; i < len; i++)
                if (p[i] != ' ' && p[i] != '\t') {
                    rc = sl_error_set(err, SL_ECONFIG,
                                      "the connection string has a part without '='");
                    break;
                }
        }
        p += len + (p[len] == ';');
    }
    if (rc == SL_ENOMEM)
        sl_error_set(err, SL_ENOMEM, "out of memory");

    if (rc == SL_OK && f[F_DEV] != NULL && strcasecmp(f[F_DEV], "true") == 0) {
        out->account = sl_strdup(SL_AZURITE_ACCOUNT);
        out->key = sl_strdup(SL_AZURITE_KEY);
        /* not in the SDKs' format, but Azurite often runs on another port */
        out->endpoint = sl_strdup(f[F_BLOB] != NULL && f[F_BLOB][0] != '\0' ? f[F_BLOB]
                                                                        : SL_AZURITE_BLOB_ENDPOINT);
        while (out->endpoint != NULL && out->endpoint[0] != '\0' &&
               out->endpoint[strlen(out->endpoint) - 1] == '/')
            out->endpoint[strlen(out->endpoint) - 1] = '\0';
    } else if (rc == SL_OK) {
        if (f[F_ACCOUNT] == NULL || f[F_ACCOUNT][0] == '\0')
            rc = sl_error_set(err, SL_ECONFIG, "the connection string has no AccountName");
        else if (f[F_KEY] == NULL || f[F_KEY][0] == '\0')
            rc = sl_error_set(err, SL_ECONFIG, "the connection string has no AccountKey");
        if (rc == SL_OK) {
            struct sl_buf ep = SL_BUF_INIT;
            if (f[F_BLOB] != NULL && f[F_BLOB][0] != '\0')
                rc = sl_buf_appends(&ep, f[F_BLOB]);
            else
                rc = sl_buf_appendf(&ep, "%s://%s.blob.%s", f[F_PROTO] ? f[F_PROTO] : "https",
                                    f[F_ACCOUNT], f[F_SUFFIX] ? f[F_SUFFIX] : "core.windows.net");
            while (rc == SL_OK && ep.len > 0 && ep.data[ep.len - 1] == '/')
                sl_buf_truncate(&ep, ep.len - 1);
            out->account = sl_strdup(f[F_ACCOUNT]);
            out->key = sl_strdup(f[F_KEY]);
            out->endpoint = rc == SL_OK ? sl_buf_detach(&ep) : NULL;
            sl_buf_release(&ep);
            if (rc != SL_OK)
                rc = sl_error_set(err, SL_ENOMEM, "out of memory");
        }
    }
    if (rc == SL_OK && (out->account == NULL || out->key == NULL || out->endpoint == NULL))
        rc = sl_error_set(err, SL_ENOMEM, "out of memory");
    if (f[F_KEY] != NULL)
        memset(f[F_KEY], 0, strlen(f[F_KEY]));
    for (int i = 0; i < F_COUNT; i++)
        sl_free(f[i]);
    if (rc != SL_OK)
        sl_azure_storage_release(out);
    return rc;
}
