/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_connstr.h -- Azure Storage connection strings in the Azure SDKs'
 * format ("DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;
 * EndpointSuffix=core.windows.net", "BlobEndpoint=...", and
 * "UseDevelopmentStorage=true" for Azurite), reduced to what the Blob
 * backends need: account, key and the Blob endpoint.
 */
#ifndef SL_CLOUD_AZURE_CONNSTR_H
#define SL_CLOUD_AZURE_CONNSTR_H

#include "sl_common.h"

#include "common/err.h"

/* Azurite's well-known development account and key (public, documented by Microsoft). */
#define SL_AZURITE_ACCOUNT "devstoreaccount1"
#define SL_AZURITE_KEY                                                                         \
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
#define SL_AZURITE_BLOB_ENDPOINT "http://127.0.0.1:10000/devstoreaccount1"

struct sl_azure_storage {
    char *account;  /* owned */
    char *key;      /* owned, base64; a secret */
    char *endpoint; /* owned: Blob endpoint URL without trailing '/' */
};

#define SL_AZURE_STORAGE_INIT {NULL, NULL, NULL}

/*
 * Parses a connection string into *out (empty on entry). Keys are matched
 * case-insensitively; unknown keys are ignored. The Blob endpoint is
 * BlobEndpoint when given, else DefaultEndpointsProtocol (https) "://"
 * account ".blob." EndpointSuffix (core.windows.net). With
 * UseDevelopmentStorage=true the account, key and endpoint are Azurite's
 * (a BlobEndpoint given too replaces the endpoint, for Azurite on another
 * port; DevelopmentStorageProxyUri is not supported). SL_ECONFIG when the account
 * or key is missing; messages never show the key. On failure *out is empty.
 */
sl_err sl_azure_connstr_parse(const char *s, struct sl_azure_storage *out, struct sl_error *err);

/* Frees the fields; *st is SL_AZURE_STORAGE_INIT afterwards. Accepts NULL fields. */
void sl_azure_storage_release(struct sl_azure_storage *st);

#endif /* SL_CLOUD_AZURE_CONNSTR_H */
