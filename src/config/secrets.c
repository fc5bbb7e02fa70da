/* SPDX-License-Identifier: Apache-2.0 */
/*
 * secrets.c -- user secrets: the key file, XChaCha20-Poly1305 sealing
 * (libsodium) and slight v0.5.1's ShortCrypt. ShortCrypt is hand-written
 * here, ported from the reference model (design/reference/shortcrypt.py),
 * because no packaged C library implements it. This file never logs or
 * quotes a value, a plaintext or a key.
 */
#include "sl_common.h"

#include "secrets.h"

#include "slightfile.h"
#include "toml.h"

#include "common/fs.h"
#include "common/log.h"
#include "common/mem.h"
#include "common/utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES   crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64_URL     sodium_base64_VARIANT_URLSAFE_NO_PADDING
/* Associated data: binds the ciphertext to its format version. */
#define SEAL_AD "slight1"

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == SL_SECRET_KEY_BYTES, "key size");

static sl_err start_sodium(struct sl_error *err)
{
    /* Idempotent and thread-safe by libsodium's contract. */
    if (sodium_init() < 0)
        return sl_error_set(err, SL_EINTERNAL, "cannot initialise libsodium");
    return SL_OK;
}

/* ---- key file locations ------------------------------------------------ */

sl_err sl_secret_key_path(struct sl_buf *out, struct sl_error *err)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    sl_err rc;
    if (xdg != NULL && xdg[0] == '/') {
        rc = sl_buf_appendf(out, "%s/slight/key", xdg);
    } else {
        const char *home = getenv("HOME");
        if (home == NULL || home[0] == '\0') {
            struct passwd *pw = getpwuid(geteuid());
            home = pw != NULL ? pw->pw_dir : NULL;
        }
        if (home == NULL || home[0] == '\0')
            return sl_error_set(err, SL_ECONFIG,
                                "cannot find the secrets key file: neither XDG_CONFIG_HOME nor "
                                "HOME is set");
        rc = sl_buf_appendf(out, "%s/.config/slight/key", home);
    }
    if (rc != SL_OK) {
        sl_buf_release(out);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}

sl_err sl_secret_legacy_key_path(struct sl_buf *out, struct sl_error *err)
{
    /* As Rust's temp_dir(): TMPDIR when set (even empty, then relative), else /tmp. */
    const char *tmp = getenv("TMPDIR");
    sl_err rc;
    if (tmp == NULL)
        rc = sl_buf_appends(out, "/tmp/.slightkey");
    else if (tmp[0] == '\0')
        rc = sl_buf_appends(out, ".slightkey");
    else
        rc = sl_buf_appendf(out, "%s%s.slightkey", tmp, tmp[strlen(tmp) - 1] == '/' ? "" : "/");
    if (rc != SL_OK) {
        sl_buf_release(out);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}

/* ---- the key file ------------------------------------------------------ */

#define KEY_HEX_LEN (2 * SL_SECRET_KEY_BYTES)

static sl_err read_key(const char *path, uint8_t key[SL_SECRET_KEY_BYTES], struct sl_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT)
            return sl_error_set(err, SL_ENOTFOUND, "no secrets key file '%s'", path);
        return sl_error_set(err, SL_EIO, "cannot open the secrets key file '%s': %s", path,
                            strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return sl_error_set(err, SL_EIO, "cannot read the secrets key file '%s': %s", path,
                            strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return sl_error_set(err, SL_ECONFIG, "the secrets key file '%s' is not a regular file",
                            path);
    }
    if (st.st_uid != geteuid()) {
        close(fd);
        return sl_error_set(err, SL_EAUTH,
                            "refusing the secrets key file '%s': it belongs to another user "
                            "(uid %u)",
                            path, (unsigned)st.st_uid);
    }
    if ((st.st_mode & 077) != 0) {
        close(fd);
        return sl_error_set(err, SL_EAUTH,
                            "refusing the secrets key file '%s': other users can access it "
                            "(mode %04o); run 'chmod 600 %s'",
                            path, (unsigned)(st.st_mode & 07777), path);
    }
    char text[KEY_HEX_LEN + 3];
    size_t len = 0;
    while (len < sizeof(text)) {
        ssize_t n = read(fd, text + len, sizeof(text) - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            sodium_memzero(text, sizeof(text));
            return sl_error_set(err, SL_EIO, "cannot read the secrets key file '%s': %s", path,
                                strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len == KEY_HEX_LEN + 1 && text[KEY_HEX_LEN] == '\n')
        len--;
    size_t got = 0;
    const char *end = NULL;
    bool ok = len == KEY_HEX_LEN
              && sodium_hex2bin(key, SL_SECRET_KEY_BYTES, text, len, NULL, &got, &end) == 0
              && got == SL_SECRET_KEY_BYTES && end == text + len;
    sodium_memzero(text, sizeof(text));
    if (!ok) {
        sodium_memzero(key, SL_SECRET_KEY_BYTES);
        return sl_error_set(err, SL_ECONFIG,
                            "the secrets key file '%s' is damaged: expected %d hexadecimal "
                            "digits",
                            path, KEY_HEX_LEN);
    }
    return SL_OK;
}

static sl_err write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return SL_EIO;
        p += n;
        len -= (size_t)n;
    }
    return SL_OK;
}

/*
 * Puts a new key at path unless one is there. sl_fs_write_atomic would
 * rename over a key another process has just created (and that it may
 * already have used), so the key goes to a private temp file that is then
 * hard-linked to path, which fails rather than replaces.
 */
static sl_err create_key(const char *path, struct sl_error *err)
{
    struct sl_buf dir = SL_BUF_INIT;
    struct sl_buf tmp = SL_BUF_INIT;
    const char *slash = strrchr(path, '/');
    if (slash != NULL && slash != path
        && sl_buf_append(&dir, path, (size_t)(slash - path)) != SL_OK)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    if (dir.len > 0) {
        sl_err rc = sl_fs_mkdirs(dir.data, 0700, err);
        if (rc != SL_OK) {
            sl_buf_release(&dir);
            return rc;
        }
    }
    if (sl_buf_appendf(&tmp, "%s.tmp.XXXXXX", path) != SL_OK) {
        sl_buf_release(&dir);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    /* mkostemp creates the file with O_EXCL and mode 0600. */
    int fd = mkostemp(tmp.data, O_CLOEXEC);
    if (fd < 0) {
        sl_error_set(err, SL_EIO, "cannot create the secrets key file in '%s': %s",
                     dir.len ? dir.data : ".", strerror(errno));
        sl_buf_release(&dir);
        sl_buf_release(&tmp);
        return SL_EIO;
    }
    uint8_t key[SL_SECRET_KEY_BYTES];
    char hex[KEY_HEX_LEN + 2];
    randombytes_buf(key, sizeof(key));
    sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
    hex[KEY_HEX_LEN] = '\n';
    sl_err rc = write_all(fd, hex, KEY_HEX_LEN + 1);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(hex, sizeof(hex));
    if (rc == SL_OK && (fchmod(fd, 0600) != 0 || fsync(fd) != 0))
        rc = SL_EIO;
    int e = errno;
    if (close(fd) != 0 && rc == SL_OK) {
        e = errno;
        rc = SL_EIO;
    }
    if (rc == SL_OK && link(tmp.data, path) != 0 && errno != EEXIST) {
        /* Some file systems have no hard links; rename without replacing instead. */
        if (renameat2(AT_FDCWD, tmp.data, AT_FDCWD, path, RENAME_NOREPLACE) != 0
            && errno != EEXIST) {
            e = errno;
            rc = SL_EIO;
        }
    }
    unlink(tmp.data);
    if (rc != SL_OK)
        sl_error_set(err, SL_EIO, "cannot create the secrets key file '%s': %s", path, strerror(e));
    if (rc == SL_OK && dir.len > 0) {
        int dfd = open(dir.data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
    }
    sl_buf_release(&dir);
    sl_buf_release(&tmp);
    return rc;
}

sl_err sl_secret_key_load(const char *path, bool create, uint8_t key[SL_SECRET_KEY_BYTES],
                          struct sl_error *err)
{
    sl_err rc = start_sodium(err);
    if (rc != SL_OK)
        return rc;
    rc = read_key(path, key, err);
    if (rc != SL_ENOTFOUND || !create)
        return rc;
    rc = create_key(path, err);
    if (rc != SL_OK)
        return rc;
    /* Read back: when another process won the race, its key is the one. */
    return read_key(path, key, err);
}

/* ---- XChaCha20-Poly1305 ----------------------------------------------- */

sl_err sl_secret_seal(const uint8_t key[SL_SECRET_KEY_BYTES], const void *plain, size_t len,
                      struct sl_buf *out, struct sl_error *err)
{
    sl_err rc = start_sodium(err);
    if (rc != SL_OK)
        return rc;
    if (len > SIZE_MAX / 2 - NONCE_BYTES - TAG_BYTES)
        return sl_error_set(err, SL_EINVALVALUE, "the secret is too long");
    size_t binlen = NONCE_BYTES + len + TAG_BYTES;
    size_t b64len = sodium_base64_ENCODED_LEN(binlen, B64_URL);
    unsigned char *bin = sl_malloc(binlen);
    char *b64 = sl_malloc(b64len);
    if (bin == NULL || b64 == NULL) {
        sl_free(bin);
        sl_free(b64);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    randombytes_buf(bin, NONCE_BYTES);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(bin + NONCE_BYTES, &clen, plain, len,
                                               (const unsigned char *)SEAL_AD, sizeof(SEAL_AD) - 1,
                                               NULL, bin, key);
    sodium_bin2base64(b64, b64len, bin, binlen, B64_URL);
    size_t old = out->len;
    rc = sl_buf_appends(out, SL_SECRET_PREFIX);
    if (rc == SL_OK)
        rc = sl_buf_appends(out, b64);
    sl_free(bin);
    sl_free(b64);
    if (rc != SL_OK) {
        sl_buf_truncate(out, old);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}

sl_err sl_secret_open(const uint8_t key[SL_SECRET_KEY_BYTES], const char *value, struct sl_buf *out,
                      struct sl_error *err)
{
    sl_err rc = start_sodium(err);
    if (rc != SL_OK)
        return rc;
    size_t plen = strlen(SL_SECRET_PREFIX);
    if (strncmp(value, SL_SECRET_PREFIX, plen) != 0)
        return sl_error_set(err, SL_EINVALVALUE, "the secret does not start with \"%s\"",
                            SL_SECRET_PREFIX);
    const char *b64 = value + plen;
    size_t b64len = strlen(b64);
    size_t maxlen = b64len / 4 * 3 + 3;
    unsigned char *bin = sl_malloc(maxlen);
    if (bin == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    size_t binlen = 0;
    const char *end = NULL;
    if (sodium_base642bin(bin, maxlen, b64, b64len, NULL, &binlen, &end, B64_URL) != 0
        || end != b64 + b64len) {
        sl_free(bin);
        return sl_error_set(err, SL_EINVALVALUE,
                            "the secret is damaged: it is not valid base64url after \"%s\"",
                            SL_SECRET_PREFIX);
    }
    if (binlen < NONCE_BYTES + TAG_BYTES) {
        sl_free(bin);
        return sl_error_set(err, SL_EINVALVALUE, "the secret is damaged: it is too short");
    }
    size_t mlen = binlen - NONCE_BYTES - TAG_BYTES;
    rc = sl_buf_grow(out, mlen);
    if (rc != SL_OK) {
        sl_free(bin);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    unsigned long long got = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            (unsigned char *)out->data + out->len, &got, NULL, bin + NONCE_BYTES,
            binlen - NONCE_BYTES, (const unsigned char *)SEAL_AD, sizeof(SEAL_AD) - 1, bin, key)
        != 0) {
        sl_free(bin);
        out->data[out->len] = '\0';
        return sl_error_set(err, SL_EAUTH,
                            "cannot decrypt the secret: it was encrypted under another key, or "
                            "it has been altered");
    }
    sl_free(bin);
    out->len += (size_t)got;
    out->data[out->len] = '\0';
    return SL_OK;
}

/* ---- ShortCrypt (slight v0.5.1) --------------------------------------- */

static const char sc_alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/* CRC-64/WE: poly 0x42F0E1EBA9EA3693, init and xorout all ones, not reflected. */
static uint64_t crc64we(const uint8_t *p, size_t n)
{
    uint64_t c = UINT64_MAX;
    for (size_t i = 0; i < n; i++) {
        c ^= (uint64_t)p[i] << 56;
        for (int b = 0; b < 8; b++)
            c = (c & (UINT64_C(1) << 63)) ? (c << 1) ^ UINT64_C(0x42F0E1EBA9EA3693) : c << 1;
    }
    return c ^ UINT64_MAX;
}

/* CRC-8/CDMA2000: poly 0x9B, init 0xFF, not reflected, no xorout. */
static uint8_t crc8cdma2000(const uint8_t *p, size_t n)
{
    unsigned c = 0xFF;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int b = 0; b < 8; b++)
            c = (c & 0x80) ? ((c << 1) ^ 0x9B) & 0xFF : (c << 1) & 0xFF;
    }
    return (uint8_t)c;
}

static void put_be64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t rev64(uint64_t x)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        r = (r << 1) | (x & 1);
        x >>= 1;
    }
    return r;
}

struct shortcrypt {
    uint8_t hashed_key[8];
    uint64_t key_sum_rev;
};

static void sc_init(struct shortcrypt *sc, const char *key, size_t keylen)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < keylen; i++)
        sum += (uint8_t)key[i];
    put_be64(sc->hashed_key, crc64we((const uint8_t *)key, keylen));
    sc->key_sum_rev = rev64(sum);
}

/* The swap positions, derived from the ciphertext's xor and sum (both directions). */
static void sc_path(const struct shortcrypt *sc, uint8_t base, const uint8_t *v, size_t n,
                    size_t *path)
{
    uint8_t m = base;
    uint64_t sum = base;
    for (size_t i = 0; i < n; i++) {
        m ^= v[i];
        sum += v[i];
    }
    uint8_t msg[9];
    uint8_t h[8];
    msg[0] = m;
    put_be64(msg + 1, sum);
    put_be64(h, crc64we(msg, sizeof(msg)));
    for (size_t i = 0; i < n; i++)
        path[i] = (size_t)(h[i % 8] ^ sc->hashed_key[i % 8]) % n;
}

sl_err sl_secret_shortcrypt_encrypt(const char *key, size_t keylen, const void *plain, size_t len,
                                    struct sl_buf *out, struct sl_error *err)
{
    sl_err rc = start_sodium(err);
    if (rc != SL_OK)
        return rc;
    if (len > SIZE_MAX / 4 / sizeof(size_t))
        return sl_error_set(err, SL_EINVALVALUE, "the secret is too long");
    struct shortcrypt sc;
    sc_init(&sc, key, keylen);
    const uint8_t *d = plain;
    uint8_t base = crc8cdma2000(d, len) % 32;
    uint8_t *v = sl_malloc(len + 1);
    size_t *path = sl_calloc(len + 1, sizeof(*path));
    size_t b64cap = sodium_base64_ENCODED_LEN(len, B64_URL);
    char *b64 = sl_malloc(b64cap);
    if (v == NULL || path == NULL || b64 == NULL) {
        sl_free(v);
        sl_free(path);
        sl_free(b64);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < len; i++)
        v[i] = d[i] ^ (sc.hashed_key[i % 8] ^ base);
    sc_path(&sc, base, v, len, path);
    for (size_t i = 0; i < len; i++) {
        if (path[i] != i) {
            uint8_t t = v[i];
            v[i] = v[path[i]];
            v[path[i]] = t;
        }
    }
    sodium_bin2base64(b64, b64cap, v, len, B64_URL);
    size_t blen = strlen(b64);
    char bc = sc_alphabet[base];
    uint64_t s = (uint8_t)bc;
    for (size_t i = 0; i < blen; i++)
        s += (uint8_t)b64[i];
    size_t idx = (size_t)((sc.key_sum_rev ^ s) % (blen + 1));
    size_t old = out->len;
    rc = sl_buf_append(out, b64, idx);
    if (rc == SL_OK)
        rc = sl_buf_append(out, &bc, 1);
    if (rc == SL_OK)
        rc = sl_buf_append(out, b64 + idx, blen - idx);
    sl_free(v);
    sl_free(path);
    sl_free(b64);
    if (rc != SL_OK) {
        sl_buf_truncate(out, old);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    return SL_OK;
}


sl_err sl_secret_shortcrypt_decrypt(const char *key, size_t keylen, const char *value,
                                    struct sl_buf *out, struct sl_error *err)
{
    static const char bad[] = "the secret is not in slight v0.5.1's format (ShortCrypt)";
    sl_err rc = start_sodium(err);
    if (rc != SL_OK)
        return rc;
    struct shortcrypt sc;
    sc_init(&sc, key, keylen);
    size_t len = strlen(value);
    if (len == 0)
        return sl_error_set(err, SL_EINVALVALUE, "the secret is empty");
    uint64_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += (uint8_t)value[i];
    size_t idx = (size_t)((sc.key_sum_rev ^ sum) % len);
    const char *pos = strchr(sc_alphabet, value[idx]);
    if (value[idx] == '\0' || pos == NULL || pos - sc_alphabet >= 32)
        return sl_error_set(err, SL_EINVALVALUE, "%s", bad);
    uint8_t base = (uint8_t)(pos - sc_alphabet);
    char *body = sl_malloc(len);
    uint8_t *v = sl_malloc(len);
    size_t *path = sl_calloc(len, sizeof(*path));
    if (body == NULL || v == NULL || path == NULL) {
        sl_free(body);
        sl_free(v);
        sl_free(path);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    memcpy(body, value, idx);
    memcpy(body + idx, value + idx + 1, len - idx - 1);
    size_t n = 0;
    const char *end = NULL;
    rc = SL_OK;
    if (sodium_base642bin(v, len, body, len - 1, NULL, &n, &end, B64_URL) != 0
        || end != body + len - 1) {
        rc = sl_error_set(err, SL_EINVALVALUE, "%s", bad);
        goto done;
    }
    sc_path(&sc, base, v, n, path);
    for (size_t i = n; i-- > 0;) {
        if (path[i] != i) {
            uint8_t t = v[i];
            v[i] = v[path[i]];
            v[path[i]] = t;
        }
    }
    for (size_t i = 0; i < n; i++)
        v[i] ^= sc.hashed_key[i % 8] ^ base;
    /* The base is the plaintext's checksum: ShortCrypt's only integrity check. */
    if (crc8cdma2000(v, n) % 32 != base || !sl_utf8_valid(v, n)) {
        rc = sl_error_set(err, SL_EAUTH,
                          "cannot decrypt the secret: it was encrypted under another key, or it "
                          "has been altered");
        goto done;
    }
    if (sl_buf_append(out, v, n) != SL_OK)
        rc = sl_error_set(err, SL_ENOMEM, "out of memory");
done:
    sodium_memzero(v, len);
    sl_free(body);
    sl_free(v);
    sl_free(path);
    return rc;
}

/* ---- stored values ----------------------------------------------------- */

/* "slight<digits>:" -> the version number (0 when it overflows), else -1. */
static long version_of(const char *value)
{
    if (strncmp(value, "slight", 6) != 0)
        return -1;
    const char *p = value + 6;
    long v = 0;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++)
        v = v > 100000 ? 0 : v * 10 + (*p - '0');
    return *p == ':' ? v : -1;
}

bool sl_secret_is_versioned(const char *value)
{
    return version_of(value) >= 0;
}

sl_err sl_secret_encrypt(const void *plain, size_t len, struct sl_buf *out, struct sl_error *err)
{
    struct sl_buf path = SL_BUF_INIT;
    uint8_t key[SL_SECRET_KEY_BYTES];
    sl_err rc = sl_secret_key_path(&path, err);
    if (rc != SL_OK)
        return rc;
    rc = sl_secret_key_load(path.data, true, key, err);
    if (rc == SL_OK)
        rc = sl_secret_seal(key, plain, len, out, err);
    sodium_memzero(key, sizeof(key));
    sl_buf_release(&path);
    return rc;
}

static sl_err decrypt_legacy(const char *value, struct sl_buf *out, struct sl_error *err)
{
    struct sl_buf path = SL_BUF_INIT;
    struct sl_buf key = SL_BUF_INIT;
    sl_err rc = sl_secret_legacy_key_path(&path, err);
    if (rc != SL_OK)
        return rc;
    rc = sl_fs_read_file(path.data, &key, err);
    if (rc == SL_ENOTFOUND)
        sl_error_set(err, SL_ENOTFOUND,
                     "the secret was written by slight v0.5.1, but its key file '%s' does not "
                     "exist (v0.5.1 kept it in the temporary directory); set the secret again "
                     "with 'slight secret'",
                     path.data);
    else if (rc != SL_OK)
        sl_error_prefix(err, "the secret was written by slight v0.5.1");
    if (rc == SL_OK) {
        rc = sl_secret_shortcrypt_decrypt(key.data ? key.data : "", key.len, value, out, err);
        if (rc == SL_EAUTH)
            sl_error_set(err, SL_EAUTH,
                         "cannot decrypt the secret (slight v0.5.1's format) with the key in "
                         "'%s': it was encrypted under another key, or it has been altered",
                         path.data);
    }
    if (key.data != NULL)
        sodium_memzero(key.data, key.cap);
    sl_buf_release(&key);
    sl_buf_release(&path);
    return rc;
}

sl_err sl_secret_decrypt(const char *value, struct sl_buf *out, struct sl_error *err)
{
    long version = version_of(value);
    if (version < 0)
        return decrypt_legacy(value, out, err);
    if (version != 1)
        return sl_error_set(err, SL_EUNSUPPORTED,
                            "the secret is in format version %ld, which this slight cannot "
                            "read (it reads \"slight1:\" and slight v0.5.1's format)",
                            version);
    struct sl_buf path = SL_BUF_INIT;
    uint8_t key[SL_SECRET_KEY_BYTES];
    sl_err rc = sl_secret_key_path(&path, err);
    if (rc != SL_OK)
        return rc;
    rc = sl_secret_key_load(path.data, false, key, err);
    if (rc == SL_ENOTFOUND)
        sl_error_set(err, SL_ENOTFOUND,
                     "cannot decrypt the secret: there is no key file '%s' (secrets can only "
                     "be read with the key of the user who set them)",
                     path.data);
    if (rc == SL_OK) {
        rc = sl_secret_open(key, value, out, err);
        if (rc == SL_EAUTH)
            sl_error_set(err, SL_EAUTH,
                         "cannot decrypt the secret with the key in '%s': it was encrypted "
                         "under another key, or it has been altered",
                         path.data);
    }
    sodium_memzero(key, sizeof(key));
    sl_buf_release(&path);
    return rc;
}

/* ---- editing the slightfile in place ---------------------------------- */

#define USERSECRETS "configs.usersecrets"

enum edit_kind {
    EDIT_STORE_VALUE,  /* the value of secret_store */
    EDIT_STORE_LINE,   /* a new secret_store line */
    EDIT_SECRET_VALUE, /* the value of the secret's entry */
    EDIT_SECRET_BLOCK, /* a new [[secret_settings]] block */
};

/* Where the text changes; what goes there is rendered once the value is encrypted. */
struct edit {
    size_t start, end; /* bytes [start, end) of the text are replaced */
    enum edit_kind kind;
    unsigned eols_before; /* line ends written before an added line or block */
};

struct editor {
    const char *name; /* the file, for messages */
    const char *text;
    size_t len;
    const char *secret_name;
    const char *eol; /* "\r\n" when the file uses it, for added lines */
    struct sl_slightfile *sf;
    struct sl_toml_value *root;
    struct edit edits[3];
    size_t n_edits;
};

/* Byte offset of a toml++ position (1-based line, column in code points), or SIZE_MAX. */
static size_t offset_of(const struct editor *ed, uint32_t line, uint32_t column)
{
    size_t i = 0;
    if (line == 0 || column == 0)
        return SIZE_MAX;
    /* toml++ does not count a byte order mark as a column. */
    if (ed->len >= 3 && memcmp(ed->text, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (uint32_t l = 1; l < line; l++) {
        const char *nl = memchr(ed->text + i, '\n', ed->len - i);
        if (nl == NULL)
            return SIZE_MAX;
        i = (size_t)(nl - ed->text) + 1;
    }
    for (uint32_t c = 1; c < column; c++) {
        if (i >= ed->len || ed->text[i] == '\n')
            return SIZE_MAX;
        i++;
        while (i < ed->len && ((unsigned char)ed->text[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* End (exclusive) of the TOML string literal that starts at p, or SIZE_MAX. */
static size_t string_end(const struct editor *ed, size_t p)
{
    const char *s = ed->text;
    size_t n = ed->len;
    if (p >= n || (s[p] != '"' && s[p] != '\''))
        return SIZE_MAX;
    char q = s[p];
    bool basic = q == '"';
    if (p + 2 < n && s[p + 1] == q && s[p + 2] == q) {
        for (size_t i = p + 3; i < n; i++) {
            if (basic && s[i] == '\\') {
                i++;
                continue;
            }
            if (i + 2 < n && s[i] == q && s[i + 1] == q && s[i + 2] == q) {
                size_t e = i + 3;
                /* A multi-line string may end with one or two more quotes. */
                for (int k = 0; k < 2 && e < n && s[e] == q; k++)
                    e++;
                return e;
            }
        }
        return SIZE_MAX;
    }
    for (size_t i = p + 1; i < n && s[i] != '\n'; i++) {
        if (basic && s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] == q)
            return i + 1;
    }
    return SIZE_MAX;
}

static sl_err add_edit(struct editor *ed, size_t start, size_t end, enum edit_kind kind,
                       unsigned eols_before, struct sl_error *err)
{
    if (ed->n_edits >= SL_ARRAY_SIZE(ed->edits))
        return sl_error_set(err, SL_EINTERNAL, "%s: too many edits", ed->name);
    ed->edits[ed->n_edits++] = (struct edit){start, end, kind, eols_before};
    return SL_OK;
}

static sl_err cannot_locate(const struct editor *ed, uint32_t line, const char *what,
                            struct sl_error *err)
{
    return sl_error_set(err, SL_EINTERNAL,
                        "%s:%u: cannot find the text of %s to edit; the file was not changed",
                        ed->name, line, what);
}

/* Plans the replacement of the string literal of v, a string in the tree. */
static sl_err replace_string(struct editor *ed, const struct sl_toml_value *v, enum edit_kind kind,
                             const char *what, struct sl_error *err)
{
    size_t start = offset_of(ed, v->line, v->column);
    size_t end = start == SIZE_MAX ? SIZE_MAX : string_end(ed, start);
    if (end == SIZE_MAX)
        return cannot_locate(ed, v->line, what, err);
    return add_edit(ed, start, end, kind, 0, err);
}

/* Appends s as a TOML basic string (quoted, escaped). */
static sl_err append_quoted(struct sl_buf *b, const char *s)
{
    sl_err rc = sl_buf_append(b, "\"", 1);
    for (; rc == SL_OK && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            rc = sl_buf_appendf(b, "\\%c", c);
        else if (c == '\n')
            rc = sl_buf_appends(b, "\\n");
        else if (c == '\t')
            rc = sl_buf_appends(b, "\\t");
        else if (c < 0x20 || c == 0x7F)
            rc = sl_buf_appendf(b, "\\u%04X", c);
        else
            rc = sl_buf_append(b, s, 1);
    }
    if (rc == SL_OK)
        rc = sl_buf_append(b, "\"", 1);
    return rc;
}

static bool str_is(const struct sl_toml_value *v, const char *s)
{
    return v != NULL && v->kind == SL_TOML_STRING && v->u.str.len == strlen(s)
           && memcmp(v->u.str.ptr, s, v->u.str.len) == 0;
}

/* The first secret_settings table named secret_name, or NULL. */
static const struct sl_toml_value *find_entry(const struct sl_toml_value *arr,
                                              const char *secret_name)
{
    if (arr == NULL || arr->kind != SL_TOML_ARRAY)
        return NULL;
    for (size_t i = 0; i < arr->u.array.len; i++)
        if (str_is(sl_toml_get(&arr->u.array.items[i], "name"), secret_name))
            return &arr->u.array.items[i];
    return NULL;
}

static sl_err plan_secret_store(struct editor *ed, struct sl_error *err)
{
    const struct sl_slightfile *sf = ed->sf;
    const struct sl_toml_value *store = sl_toml_get(ed->root, "secret_store");
    if (store != NULL) {
        if (sf->secret_store != NULL && strcmp(sf->secret_store, USERSECRETS) == 0)
            return SL_OK;
        /* As slight did; every v0.1 setting is now read from the user secrets. */
        sl_log_warn("%s:%u: secret_store \"%s\" is replaced by \"" USERSECRETS "\": "
                    "capabilities now read their settings from [[secret_settings]]",
                    ed->name, store->line, sf->secret_store ? sf->secret_store : "?");
        return replace_string(ed, store, EDIT_STORE_VALUE, "secret_store", err);
    }
    /* A new top-level line after specversion, which is above every table header. */
    const struct sl_toml_value *ver = sl_toml_get(ed->root, "specversion");
    size_t start = ver ? offset_of(ed, ver->line, ver->column) : SIZE_MAX;
    size_t end = start == SIZE_MAX ? SIZE_MAX : string_end(ed, start);
    if (end == SIZE_MAX)
        return cannot_locate(ed, ver ? ver->line : 0, "specversion", err);
    const char *nl = memchr(ed->text + end, '\n', ed->len - end);
    size_t at = nl ? (size_t)(nl - ed->text) + 1 : ed->len;
    return add_edit(ed, at, at, EDIT_STORE_LINE, nl == NULL, err);
}

static sl_err plan_secret(struct editor *ed, struct sl_error *err)
{
    const struct sl_toml_entry *arr_entry = sl_toml_entry_get(ed->root, "secret_settings");
    const struct sl_toml_value *arr = arr_entry ? &arr_entry->value : NULL;
    const struct sl_toml_value *entry = find_entry(arr, ed->secret_name);
    if (entry != NULL)
        return replace_string(ed, sl_toml_get(entry, "value"), EDIT_SECRET_VALUE,
                              "the secret's value", err);
    if (arr != NULL && arr->kind == SL_TOML_ARRAY) {
        /* [[secret_settings]] tables start with '['; inline tables with '{'. */
        size_t first = arr->u.array.len > 0
                           ? offset_of(ed, arr->u.array.items[0].line, arr->u.array.items[0].column)
                           : SIZE_MAX;
        if (first == SIZE_MAX || ed->text[first] != '[')
            return sl_error_set(err, SL_ECONFIG,
                                "%s:%u: secret_settings is an inline array, which cannot be "
                                "extended; write its entries as [[secret_settings]] tables",
                                ed->name, arr_entry->line);
    }
    /* The block goes at the end, after one blank line. */
    const char *t = ed->text;
    size_t el = strlen(ed->eol);
    bool ends_nl = ed->len > 0 && t[ed->len - 1] == '\n';
    bool ends_blank =
        ed->len == 0
        || (ends_nl && ed->len >= 2 * el && memcmp(t + ed->len - 2 * el, ed->eol, el) == 0);
    unsigned eols = (!ends_nl && ed->len > 0) + !ends_blank;
    return add_edit(ed, ed->len, ed->len, EDIT_SECRET_BLOCK, eols, err);
}

static sl_err render_edit(const struct editor *ed, const struct edit *e, const char *stored,
                          struct sl_buf *out)
{
    const char *eol = ed->eol;
    sl_err rc = SL_OK;
    for (unsigned i = 0; i < e->eols_before && rc == SL_OK; i++)
        rc = sl_buf_appends(out, eol);
    if (rc != SL_OK)
        return rc;
    switch (e->kind) {
    case EDIT_STORE_VALUE:
        return sl_buf_appends(out, "\"" USERSECRETS "\"");
    case EDIT_STORE_LINE:
        return sl_buf_appendf(out, "secret_store = \"" USERSECRETS "\"%s", eol);
    case EDIT_SECRET_VALUE:
        return append_quoted(out, stored);
    case EDIT_SECRET_BLOCK:
        rc = sl_buf_appendf(out, "[[secret_settings]]%sname = ", eol);
        if (rc == SL_OK)
            rc = append_quoted(out, ed->secret_name);
        if (rc == SL_OK)
            rc = sl_buf_appendf(out, "%svalue = ", eol);
        if (rc == SL_OK)
            rc = append_quoted(out, stored);
        if (rc == SL_OK)
            rc = sl_buf_appends(out, eol);
        return rc;
    }
    return SL_EINTERNAL;
}

static int cmp_edit(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static sl_err apply_edits(struct editor *ed, const char *stored, struct sl_buf *out,
                          struct sl_error *err)
{
    qsort(ed->edits, ed->n_edits, sizeof(ed->edits[0]), cmp_edit);
    size_t at = 0;
    sl_err rc = SL_OK;
    for (size_t i = 0; i < ed->n_edits && rc == SL_OK; i++) {
        const struct edit *e = &ed->edits[i];
        if (e->start < at)
            return sl_error_set(err, SL_EINTERNAL, "%s: overlapping edits", ed->name);
        rc = sl_buf_append(out, ed->text + at, e->start - at);
        if (rc == SL_OK)
            rc = render_edit(ed, e, stored, out);
        at = e->end;
    }
    if (rc == SL_OK)
        rc = sl_buf_append(out, ed->text + at, ed->len - at);
    if (rc != SL_OK)
        return sl_error_set(err, rc, "%s", rc == SL_ENOMEM ? "out of memory" : "cannot edit");
    return SL_OK;
}

/* The edited text must read back as the same file with the secret set. */
static sl_err check_result(const struct editor *ed, const struct sl_buf *out, const char *stored,
                           struct sl_error *err)
{
    const struct sl_slightfile *before = ed->sf;
    struct sl_toml_value *root = NULL;
    struct sl_error perr = SL_ERROR_INIT;
    bool ok = sl_toml_parse(out->data, out->len, ed->name, &root, &perr) == SL_OK;
    if (ok) {
        const struct sl_toml_value *arr = sl_toml_get(root, "secret_settings");
        const struct sl_toml_value *caps = sl_toml_get(root, "capability");
        const struct sl_toml_value *entry = find_entry(arr, ed->secret_name);
        size_t n_caps = caps && caps->kind == SL_TOML_ARRAY ? caps->u.array.len : 0;
        ok = entry != NULL && str_is(sl_toml_get(entry, "value"), stored)
             && (arr->u.array.len == before->n_secrets || arr->u.array.len == before->n_secrets + 1)
             && n_caps == before->n_caps
             && str_is(sl_toml_get(root, "specversion"),
                       before->version == SL_SLIGHTFILE_V0_1 ? "0.1" : "0.2")
             && (before->version != SL_SLIGHTFILE_V0_1
                 || str_is(sl_toml_get(root, "secret_store"), USERSECRETS));
    }
    sl_toml_free(root);
    if (!ok)
        return sl_error_set(err, SL_EINTERNAL,
                            "%s: the edited file did not read back as expected; the file was "
                            "not changed",
                            ed->name);
    return SL_OK;
}

static bool valid_name(const char *s)
{
    return s[0] != '\0' && sl_utf8_valid((const uint8_t *)s, strlen(s));
}

static void editor_release(struct editor *ed)
{
    sl_toml_free(ed->root);
    sl_slightfile_free(ed->sf);
    ed->root = NULL;
    ed->sf = NULL;
}

/* Validates the file and finds where it changes; nothing depends on the value yet. */
static sl_err editor_plan(struct editor *ed, const char *name, const char *text, size_t len,
                          const char *secret_name, struct sl_error *err)
{
    if (!valid_name(secret_name))
        return sl_error_set(err, SL_EINVALKEY, "a secret's name must be non-empty UTF-8 text");
    if (text == NULL)
        text = "";
    const char *nl = memchr(text, '\n', len);
    *ed = (struct editor){.name = name,
                          .text = text,
                          .len = len,
                          .secret_name = secret_name,
                          .eol = nl != NULL && nl > text && nl[-1] == '\r' ? "\r\n" : "\n"};
    sl_err rc = sl_slightfile_parse(name, text, len, &ed->sf, err);
    if (rc == SL_OK)
        rc = sl_toml_parse(text, len, name, &ed->root, err);
    if (rc == SL_OK && ed->sf->version == SL_SLIGHTFILE_V0_1)
        rc = plan_secret_store(ed, err);
    if (rc == SL_OK)
        rc = plan_secret(ed, err);
    return rc;
}

/* Renders the planned edits with stored as the value and checks the result. */
static sl_err editor_finish(struct editor *ed, const char *stored, struct sl_buf *out,
                            struct sl_error *err)
{
    struct sl_buf result = SL_BUF_INIT;
    sl_err rc = apply_edits(ed, stored, &result, err);
    if (rc == SL_OK)
        rc = check_result(ed, &result, stored, err);
    if (rc != SL_OK) {
        sl_buf_release(&result);
        return rc;
    }
    *out = result;
    return SL_OK;
}

sl_err sl_secret_slightfile_edit(const char *name, const char *text, size_t len,
                                 const char *secret_name, const char *stored_value,
                                 struct sl_buf *out, struct sl_error *err)
{
    struct editor ed;
    memset(&ed, 0, sizeof(ed));
    sl_err rc = editor_plan(&ed, name, text, len, secret_name, err);
    if (rc == SL_OK)
        rc = editor_finish(&ed, stored_value, out, err);
    editor_release(&ed);
    return rc;
}

/* Locks the directory that holds path (flock; released by closing the descriptor). */
static int lock_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL   ? sl_strdup(".")
                : slash == path ? sl_strdup("/")
                                : sl_strndup(path, (size_t)(slash - path));
    if (dir == NULL)
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    sl_free(dir);
    if (fd < 0)
        return -1;
    /* Best effort: a file system without locks still gets the atomic rename. */
    while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
        ;
    return fd;
}

sl_err sl_secret_slightfile_set(const char *path, const char *secret_name, const void *plain,
                                size_t len, struct sl_error *err)
{
    if (!valid_name(secret_name))
        return sl_error_set(err, SL_EINVALKEY, "a secret's name must be non-empty UTF-8 text");
    /* Write through a symbolic link to its target rather than replacing the link. */
    char real[PATH_MAX];
    const char *target = realpath(path, real) != NULL ? real : path;
    struct sl_buf text = SL_BUF_INIT;
    struct sl_buf stored = SL_BUF_INIT;
    struct sl_buf result = SL_BUF_INIT;
    struct editor ed;
    memset(&ed, 0, sizeof(ed));
    int lock = lock_dir(target);
    unsigned mode = 0644;
    struct stat st;
    if (stat(target, &st) == 0)
        mode = st.st_mode & 07777;
    sl_err rc = sl_fs_read_file(target, &text, err);
    bool missing = rc == SL_ENOTFOUND;
    if (missing)
        rc = SL_OK;
    /* The file is checked before the key is touched: a bad file creates no key. */
    if (rc == SL_OK && !missing)
        rc = editor_plan(&ed, path, text.data, text.len, secret_name, err);
    if (rc == SL_OK)
        rc = sl_secret_encrypt(plain, len, &stored, err);
    if (rc == SL_OK && missing) {
        if (sl_buf_appends(&result, "specversion = \"0.2\"\n\n[[secret_settings]]\nname = ")
                != SL_OK
            || append_quoted(&result, secret_name) != SL_OK
            || sl_buf_appends(&result, "\nvalue = ") != SL_OK
            || append_quoted(&result, stored.data) != SL_OK
            || sl_buf_append(&result, "\n", 1) != SL_OK)
            rc = sl_error_set(err, SL_ENOMEM, "out of memory");
    } else if (rc == SL_OK) {
        rc = editor_finish(&ed, stored.data, &result, err);
    }
    if (rc == SL_OK)
        rc = sl_fs_write_atomic(target, result.data, result.len, mode, err);
    if (lock >= 0)
        close(lock);
    editor_release(&ed);
    sl_buf_release(&text);
    sl_buf_release(&stored);
    sl_buf_release(&result);
    return rc;
}
