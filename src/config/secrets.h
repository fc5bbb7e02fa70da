/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secrets.h -- user secrets ([[secret_settings]] values): encryption with
 * XChaCha20-Poly1305 under a per-user key file, and decryption of the values
 * slight v0.5.1 wrote with ShortCrypt. Plaintexts and keys are never logged
 * and never appear in error messages. docs/SLIGHTFILE.md, "Secrets".
 */
#ifndef SL_CONFIG_SECRETS_H
#define SL_CONFIG_SECRETS_H

#include "sl_common.h"

#include "common/buf.h"
#include "common/err.h"

#define SL_SECRET_KEY_BYTES 32

/* The version prefix of values written by this slight. */
#define SL_SECRET_PREFIX "slight1:"

/*
 * The key file: $XDG_CONFIG_HOME/slight/key when XDG_CONFIG_HOME is an
 * absolute path, else $HOME/.config/slight/key (the passwd entry's home when
 * HOME is unset). *out (SL_BUF_INIT) receives the path. SL_ECONFIG when no
 * home directory is known.
 */
sl_err sl_secret_key_path(struct sl_buf *out, struct sl_error *err);

/*
 * slight v0.5.1's key file: $TMPDIR/.slightkey, /tmp/.slightkey when TMPDIR
 * is unset (Rust's std::env::temp_dir()).
 */
sl_err sl_secret_legacy_key_path(struct sl_buf *out, struct sl_error *err);

/*
 * Reads the key at path into key. The file holds 64 hex digits (an optional
 * final newline is allowed), must be a regular file owned by the user and
 * not accessible by group or others (else SL_EAUTH with a chmod hint).
 * When the file does not exist: with create, a random key is written to a
 * private temp file in the same directory and linked into place without
 * replacing a key another process created meanwhile (the directory is made
 * 0700, the file 0600), then the file is read back, so that concurrent
 * callers all get the same key; without create, SL_ENOTFOUND. A malformed
 * file is SL_ECONFIG. Thread-safe.
 */
sl_err sl_secret_key_load(const char *path, bool create, uint8_t key[SL_SECRET_KEY_BYTES],
                          struct sl_error *err);

/*
 * Encrypts len bytes of plain under key with XChaCha20-Poly1305 (random
 * nonce) and appends SL_SECRET_PREFIX + base64url(nonce || ciphertext), no
 * padding, to *out. SL_ENOMEM, SL_EINTERNAL (libsodium failed to start).
 */
sl_err sl_secret_seal(const uint8_t key[SL_SECRET_KEY_BYTES], const void *plain, size_t len,
                      struct sl_buf *out, struct sl_error *err);

/*
 * Decrypts a value written by sl_secret_seal and appends the plaintext to
 * *out. A value that is not well-formed is SL_EINVALVALUE; one that does not
 * authenticate under key (another key, or altered text) is SL_EAUTH. On
 * failure *out is unchanged.
 */
sl_err sl_secret_open(const uint8_t key[SL_SECRET_KEY_BYTES], const char *value, struct sl_buf *out,
                      struct sl_error *err);

/*
 * ShortCrypt (crate short-crypt 1.0.27, as slight v0.5.1 used it):
 * encrypt_to_url_component of plain under the key text (keylen bytes),
 * appended to *out. Only tests and fixtures need this direction.
 */
sl_err sl_secret_shortcrypt_encrypt(const char *key, size_t keylen, const void *plain, size_t len,
                                    struct sl_buf *out, struct sl_error *err);

/*
 * ShortCrypt decrypt_url_component of value under the key text, appended to
 * *out. Malformed text is SL_EINVALVALUE. ShortCrypt has no authentication;
 * a plaintext whose checksum (its CRC-8 mod 32, the "base" stored in the
 * value) does not match, or that is not UTF-8, is reported as SL_EAUTH
 * (wrong key or altered value) rather than returned. A few wrong keys in a
 * hundred still pass these checks.
 */
sl_err sl_secret_shortcrypt_decrypt(const char *key, size_t keylen, const char *value,
                                    struct sl_buf *out, struct sl_error *err);

/* True when value carries a version prefix ("slight<N>:"); else it is ShortCrypt. */
bool sl_secret_is_versioned(const char *value);

/*
 * Encrypts plain for a slightfile under the user's key
 * (sl_secret_key_path), creating the key on first use. Appends the stored
 * form to *out.
 */
sl_err sl_secret_encrypt(const void *plain, size_t len, struct sl_buf *out, struct sl_error *err);

/*
 * Decrypts a stored [[secret_settings]] value: "slight1:..." under the
 * user's key (never created here: a missing key is SL_ENOTFOUND), another
 * "slight<N>:" prefix is SL_EUNSUPPORTED, anything else is slight v0.5.1's
 * ShortCrypt under the key text in sl_secret_legacy_key_path (read as a
 * whole, as slight did). Appends the plaintext to *out. Messages name the
 * key file but never the value.
 */
sl_err sl_secret_decrypt(const char *value, struct sl_buf *out, struct sl_error *err);

/*
 * The text edit behind `slight secret`, on a slightfile held in memory
 * (text, len; name is used in messages). The file must be a valid
 * slightfile (else its loader error, SL_ECONFIG). The first
 * [[secret_settings]] entry named secret_name gets stored_value (already
 * encrypted) in place of its value, or a new [[secret_settings]] block is
 * appended at the end; under specversion "0.1", secret_store is set to
 * "configs.usersecrets" (its value replaced, or a line inserted after
 * specversion). Everything else -- comments, order, spacing -- is kept
 * byte for byte. The result is parsed again before it is returned in *out
 * (SL_BUF_INIT; filled only on success). An inline secret_settings = [...]
 * array that has no such entry cannot be extended: SL_ECONFIG.
 */
sl_err sl_secret_slightfile_edit(const char *name, const char *text, size_t len,
                                 const char *secret_name, const char *stored_value,
                                 struct sl_buf *out, struct sl_error *err);

/*
 * `slight secret`: encrypts len bytes of plain (sl_secret_encrypt) and
 * stores them as secret_name in the slightfile at path with
 * sl_secret_slightfile_edit. A missing file is created holding
 * specversion = "0.2" and the entry; an empty or invalid one is an error
 * (reported before the key is created or read). The file is
 * replaced atomically (a symbolic link is followed, the mode kept), and
 * concurrent callers on the same directory are serialised with a lock on
 * it, so no update is lost. secret_name must be non-empty UTF-8
 * (SL_EINVALKEY). Never writes the plaintext anywhere.
 */
sl_err sl_secret_slightfile_set(const char *path, const char *secret_name, const void *plain,
                                size_t len, struct sl_error *err);

#endif /* SL_CONFIG_SECRETS_H */
