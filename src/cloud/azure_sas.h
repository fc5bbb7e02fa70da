/* SPDX-License-Identifier: Apache-2.0 */
/*
 * azure_sas.h -- Shared Access Signature tokens of Azure Service Bus (the
 * scheme Event Hubs and Relay share): HMAC-SHA256 over the URL-encoded
 * resource URI and the expiry, under a named policy's key.
 */
#ifndef SL_CLOUD_AZURE_SAS_H
#define SL_CLOUD_AZURE_SAS_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"

#include <stdint.h>

/* How long a token made for one request stays valid, in seconds (as Azure's samples). */
#define SL_AZURE_SAS_TTL_S 3600

/*
 * Appends to *out the string to sign: urlencode(resource_uri) "\n" expiry,
 * the URI percent-encoded as in the token's sr (every byte but A-Z a-z 0-9
 * - _ . ~, hex in upper case). SL_ENOMEM or SL_OK.
 */
sl_err sl_azure_sas_string_to_sign(const char *resource_uri, uint64_t expiry, struct sl_buf *out);

/*
 * Appends to *out the Authorization value
 * "SharedAccessSignature sr=<encoded URI>&sig=<encoded base64
 * signature>&se=<expiry>&skn=<key_name>" for resource_uri (e.g.
 * "https://ns.servicebus.windows.net/topic"), valid until expiry (Unix seconds). key is the
 * policy's key as Azure shows it: its text is the HMAC key (it is not base64-decoded). The key
 * never appears in a message. SL_EINVAL for an empty key or a key name with characters that would
 * break the token ('&', '=', whitespace), SL_ENOMEM.
 */
sl_err sl_azure_sas_token(const char *resource_uri, const char *key_name, const char *key,
                          uint64_t expiry, struct sl_buf *out, struct sl_error *err);

#endif /* SL_CLOUD_AZURE_SAS_H */
