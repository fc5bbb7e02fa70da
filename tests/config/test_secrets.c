/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_secrets.c -- user secrets: XChaCha20-Poly1305 round trip, wrong key
 * and tampering, the key file (mode, refusal, one key under concurrent
 * creation), ShortCrypt against the library's vector and the Python model's
 * output (data/shortcrypt.tsv), version prefixes, and the in-place
 * slightfile edit behind `slight secret`.
 */
#include "sl_common.h"

#include "config/secrets.h"

#include "common/buf.h"
#include "common/err.h"
#include "common/fs.h"
#include "common/mem.h"
#include "config/slightfile.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SL_SECRETS_DATA
#define SL_SECRETS_DATA "tests/config/data"
#endif

/* ---- helpers ------------------------------------------------------------ */

static char tmpdir[256];

/* Strings the helpers return, freed after each test. */
static char *owned[64];
static size_t n_owned;

static char *keep(char *p)
{
    cr_assert_lt(n_owned, SL_ARRAY_SIZE(owned));
    owned[n_owned++] = p;
    return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void make_tmp(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/sl-secrets-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    /* Never touch the user's own keys. */
    char buf[512];
    snprintf(buf, sizeof(buf), "%s/config", tmpdir);
    setenv("XDG_CONFIG_HOME", buf, 1);
    snprintf(buf, sizeof(buf), "%s/home", tmpdir);
    setenv("HOME", buf, 1);
    setenv("TMPDIR", tmpdir, 1);
}

static void remove_tmp(void)
{
    while (n_owned > 0)
        sl_free(owned[--n_owned]);
    if (tmpdir[0] != '\0')
        nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(secrets, .init = make_tmp, .fini = remove_tmp);

static char *path_in(const char *name)
{
    static char buf[4][512];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, sizeof(buf[0]), "%s/%s", tmpdir, name);
    return b;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static char *read_text(const char *path)
{
    struct sl_buf b = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_fs_read_file(path, &b, &err), SL_OK, "%s", err.msg);
    return keep(sl_buf_detach(&b));
}

static void key_of(uint8_t key[SL_SECRET_KEY_BYTES], uint8_t seed)
{
    for (int i = 0; i < SL_SECRET_KEY_BYTES; i++)
        key[i] = (uint8_t)(seed * 31 + i);
}

/* ---- XChaCha20-Poly1305 ----------------------------------------------- */

Test(secrets, seal_open_round_trip)
{
    static const char *const plains[] = {"", "x", "redis://user:pa ss@host:6379/0",
                                         "p\xC3\xA4sswort \xE2\x9C\x93",
                                         "0123456789abcdef"
                                         "0123456789abcdef"
                                         "0123456789abcdef"};
    uint8_t key[SL_SECRET_KEY_BYTES];
    key_of(key, 1);
    for (size_t i = 0; i < SL_ARRAY_SIZE(plains); i++) {
        struct sl_buf sealed = SL_BUF_INIT, opened = SL_BUF_INIT;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_secret_seal(key, plains[i], strlen(plains[i]), &sealed, &err), SL_OK);
        cr_assert(strncmp(sealed.data, SL_SECRET_PREFIX, strlen(SL_SECRET_PREFIX)) == 0);
        cr_assert(strspn(sealed.data + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789-_")
                  == strlen(sealed.data + 8));
        cr_assert(sl_secret_is_versioned(sealed.data));
        cr_assert_eq(sl_secret_open(key, sealed.data, &opened, &err), SL_OK, "%s", err.msg);
        cr_assert_eq(opened.len, strlen(plains[i]));
        cr_assert_str_eq(sl_buf_cstr(&opened), plains[i]);
        sl_buf_release(&sealed);
        sl_buf_release(&opened);
    }
}

Test(secrets, seal_uses_a_fresh_nonce)
{
    uint8_t key[SL_SECRET_KEY_BYTES];
    key_of(key, 2);
    struct sl_buf a = SL_BUF_INIT, b = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_seal(key, "same", 4, &a, &err), SL_OK);
    cr_assert_eq(sl_secret_seal(key, "same", 4, &b, &err), SL_OK);
    cr_assert_str_neq(a.data, b.data);
    sl_buf_release(&a);
    sl_buf_release(&b);
}

Test(secrets, open_with_wrong_key_fails_cleanly)
{
    uint8_t key[SL_SECRET_KEY_BYTES], other[SL_SECRET_KEY_BYTES];
    key_of(key, 3);
    key_of(other, 4);
    struct sl_buf sealed = SL_BUF_INIT, out = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_seal(key, "hunter2", 7, &sealed, &err), SL_OK);
    cr_assert_eq(sl_buf_appends(&out, "kept"), SL_OK);
    cr_assert_eq(sl_secret_open(other, sealed.data, &out, &err), SL_EAUTH);
    cr_assert_str_eq(sl_buf_cstr(&out), "kept", "output changed on failure");
    cr_assert(strstr(err.msg, "another key") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "hunter2") == NULL);
    sl_buf_release(&sealed);
    sl_buf_release(&out);
}

Test(secrets, open_rejects_every_single_character_change)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint8_t key[SL_SECRET_KEY_BYTES];
    key_of(key, 5);
    struct sl_buf sealed = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_seal(key, "attack at dawn", 14, &sealed, &err), SL_OK);
    char *v = sealed.data;
    size_t len = strlen(v);
    for (size_t i = strlen(SL_SECRET_PREFIX); i < len; i++) {
        char orig = v[i];
        v[i] = alphabet[(strchr(alphabet, orig) - alphabet + 1) % 64];
        struct sl_buf out = SL_BUF_INIT;
        sl_err rc = sl_secret_open(key, v, &out, &err);
        cr_assert(rc == SL_EAUTH || rc == SL_EINVALVALUE, "position %zu accepted (rc %d)", i, rc);
        cr_assert_eq(out.len, 0);
        sl_buf_release(&out);
        v[i] = orig;
    }
    /* Truncated, extended, without the prefix, not base64url. */
    struct sl_buf out = SL_BUF_INIT;
    v[len - 1] = '\0';
    cr_assert_neq(sl_secret_open(key, v, &out, &err), SL_OK);
    v[len - 1] = 'A';
    cr_assert_eq(sl_secret_open(key, v + 8, &out, &err), SL_EINVALVALUE);
    cr_assert_eq(sl_secret_open(key, "slight1:", &out, &err), SL_EINVALVALUE);
    cr_assert_eq(sl_secret_open(key, "slight1:abc", &out, &err), SL_EINVALVALUE);
    cr_assert_eq(sl_secret_open(key, "slight1:a+b/c=", &out, &err), SL_EINVALVALUE);
    cr_assert_eq(out.len, 0);
    sl_buf_release(&out);
    sl_buf_release(&sealed);
}

/* ---- version prefixes ------------------------------------------------- */

Test(secrets, version_prefix)
{
    cr_assert(sl_secret_is_versioned("slight1:abc"));
    cr_assert(sl_secret_is_versioned("slight12:"));
    cr_assert(!sl_secret_is_versioned("slight:abc"));
    cr_assert(!sl_secret_is_versioned("slightx:abc"));
    cr_assert(!sl_secret_is_versioned("slight1"));
    cr_assert(!sl_secret_is_versioned("2E87Wx52-Tvo"));
    cr_assert(!sl_secret_is_versioned(""));
}

Test(secrets, decrypt_dispatches_on_the_prefix)
{
    struct sl_buf enc = SL_BUF_INIT, out = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    /* No key yet: a new-format value cannot be read, and reading creates nothing. */
    cr_assert_eq(sl_secret_decrypt("slight1:AAAA", &out, &err), SL_ENOTFOUND);
    cr_assert(strstr(err.msg, "no key file") != NULL, "%s", err.msg);
    cr_assert(!sl_fs_exists(path_in("config/slight/key")));

    cr_assert_eq(sl_secret_encrypt("s3cret", 6, &enc, &err), SL_OK, "%s", err.msg);
    cr_assert(sl_fs_exists(path_in("config/slight/key")));
    cr_assert_eq(sl_secret_decrypt(enc.data, &out, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(out.data, "s3cret");
    sl_buf_reset(&out);

    cr_assert_eq(sl_secret_decrypt("slight2:AAAA", &out, &err), SL_EUNSUPPORTED);
    cr_assert(strstr(err.msg, "version 2") != NULL, "%s", err.msg);

    /* Legacy values use $TMPDIR/.slightkey, read as a whole. */
    cr_assert_eq(sl_secret_decrypt("2E87Wx52-Tvo", &out, &err), SL_ENOTFOUND);
    cr_assert(strstr(err.msg, "v0.5.1") != NULL, "%s", err.msg);
    write_file(path_in(".slightkey"), "magickey", 0644);
    cr_assert_eq(sl_secret_decrypt("2E87Wx52-Tvo", &out, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(out.data, "articles");
    sl_buf_reset(&out);

    /* A value sealed under another key: a clear error, never garbage. */
    write_file(path_in(".slightkey"), "anotherkey", 0644);
    sl_err rc = sl_secret_decrypt("2E87Wx52-Tvo", &out, &err);
    cr_assert(rc == SL_EAUTH, "rc %d: %s", rc, err.msg);
    cr_assert_eq(out.len, 0);
    cr_assert(strstr(err.msg, ".slightkey") != NULL, "%s", err.msg);
    sl_buf_release(&enc);
    sl_buf_release(&out);
}

/* ---- the key file ------------------------------------------------------ */

Test(secrets, key_paths)
{
    struct sl_buf b = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
    cr_assert_eq(sl_secret_key_path(&b, &err), SL_OK);
    cr_assert_str_eq(b.data, "/x/cfg/slight/key");
    sl_buf_release(&b);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* not absolute: ignored (XDG spec) */
    setenv("HOME", "/home/u", 1);
    cr_assert_eq(sl_secret_key_path(&b, &err), SL_OK);
    cr_assert_str_eq(b.data, "/home/u/.config/slight/key");
    sl_buf_release(&b);
    unsetenv("XDG_CONFIG_HOME");
    cr_assert_eq(sl_secret_key_path(&b, &err), SL_OK);
    cr_assert_str_eq(b.data, "/home/u/.config/slight/key");
    sl_buf_release(&b);

    setenv("TMPDIR", "/var/tmp/", 1);
    cr_assert_eq(sl_secret_legacy_key_path(&b, &err), SL_OK);
    cr_assert_str_eq(b.data, "/var/tmp/.slightkey");
    sl_buf_release(&b);
    unsetenv("TMPDIR");
    cr_assert_eq(sl_secret_legacy_key_path(&b, &err), SL_OK);
    cr_assert_str_eq(b.data, "/tmp/.slightkey");
    sl_buf_release(&b);
}

Test(secrets, key_file_created_private)
{
    const char *path = path_in("a/b/key");
    uint8_t k1[SL_SECRET_KEY_BYTES], k2[SL_SECRET_KEY_BYTES];
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_key_load(path, false, k1, &err), SL_ENOTFOUND);
    cr_assert_eq(sl_secret_key_load(path, true, k1, &err), SL_OK, "%s", err.msg);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600);
    cr_assert_eq(st.st_size, 65);
    cr_assert_eq(stat(path_in("a/b"), &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0700);
    cr_assert_eq(sl_secret_key_load(path, true, k2, &err), SL_OK);
    cr_assert_eq(memcmp(k1, k2, sizeof(k1)), 0, "the key changed on the second use");
    /* Nothing but the key is left in the directory. */
    DIR *d = opendir(path_in("a/b"));
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    cr_assert_eq(n, 1);
}

Test(secrets, key_file_refused_when_others_can_read_it)
{
    const char *path = path_in("key");
    uint8_t k[SL_SECRET_KEY_BYTES];
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_key_load(path, true, k, &err), SL_OK);
    chmod(path, 0644);
    cr_assert_eq(sl_secret_key_load(path, true, k, &err), SL_EAUTH);
    cr_assert(strstr(err.msg, "chmod 600") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "0644") != NULL, "%s", err.msg);
    chmod(path, 0640);
    cr_assert_eq(sl_secret_key_load(path, false, k, &err), SL_EAUTH);
}

Test(secrets, key_file_damaged)
{
    const char *path = path_in("key");
    uint8_t k[SL_SECRET_KEY_BYTES];
    struct sl_error err = SL_ERROR_INIT;
    write_file(path, "not a key\n", 0600);
    cr_assert_eq(sl_secret_key_load(path, true, k, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "damaged") != NULL, "%s", err.msg);
    cr_assert_str_eq(read_text(path), "not a key\n", "a damaged key was replaced");
    /* 64 hex digits without the newline are accepted. */
    write_file(path, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 0600);
    cr_assert_eq(sl_secret_key_load(path, false, k, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(k[31], 0x1f);
}

Test(secrets, key_file_created_once_under_concurrency)
{
    enum { N = 8 };
    const char *path = path_in("race/key");
    int go[2], res[2];
    cr_assert_eq(pipe(go), 0);
    cr_assert_eq(pipe(res), 0);
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        cr_assert_neq(pids[i], -1);
        if (pids[i] == 0) {
            char c;
            close(go[1]);
            if (read(go[0], &c, 1) < 0)
                _exit(3);
            uint8_t k[SL_SECRET_KEY_BYTES];
            struct sl_error err = SL_ERROR_INIT;
            if (sl_secret_key_load(path, true, k, &err) != SL_OK)
                _exit(1);
            _exit(write(res[1], k, sizeof(k)) == (ssize_t)sizeof(k) ? 0 : 2);
        }
    }
    close(go[0]);
    close(go[1]); /* releases every child at once */
    close(res[1]);
    for (int i = 0; i < N; i++) {
        int status = 0;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d failed", i);
    }
    uint8_t keys[N][SL_SECRET_KEY_BYTES];
    for (int i = 0; i < N; i++)
        cr_assert_eq(read(res[0], keys[i], sizeof(keys[i])), (ssize_t)sizeof(keys[i]));
    close(res[0]);
    for (int i = 1; i < N; i++)
        cr_assert_eq(memcmp(keys[0], keys[i], sizeof(keys[0])), 0, "process %d got another key", i);
    uint8_t k[SL_SECRET_KEY_BYTES];
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_key_load(path, false, k, &err), SL_OK);
    cr_assert_eq(memcmp(keys[0], k, sizeof(k)), 0);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0600);
}

/* ---- ShortCrypt ---------------------------------------------------------- */

Test(secrets, shortcrypt_library_vector)
{
    struct sl_buf b = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_shortcrypt_encrypt("magickey", 8, "articles", 8, &b, &err), SL_OK);
    cr_assert_str_eq(b.data, "2E87Wx52-Tvo");
    sl_buf_reset(&b);
    cr_assert_eq(sl_secret_shortcrypt_decrypt("magickey", 8, "2E87Wx52-Tvo", &b, &err), SL_OK, "%s",
                 err.msg);
    cr_assert_str_eq(b.data, "articles");
    sl_buf_release(&b);
}

struct vector {
    char key[64];
    char plain[256];
    size_t plain_len;
    char url[512];
};

static size_t load_vectors(struct vector *v, size_t max)
{
    FILE *f = fopen(SL_SECRETS_DATA "/shortcrypt.tsv", "r");
    cr_assert_not_null(f, "cannot open %s", SL_SECRETS_DATA "/shortcrypt.tsv");
    char line[2048];
    size_t n = 0;
    while (n < max && fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *t1 = strchr(line, '\t');
        cr_assert_not_null(t1);
        char *t2 = strchr(t1 + 1, '\t');
        cr_assert_not_null(t2);
        *t1 = *t2 = '\0';
        size_t kl = strlen(line), ul = strlen(t2 + 1), hl = strlen(t1 + 1);
        cr_assert(kl < sizeof(v[n].key) && ul < sizeof(v[n].url) && hl / 2 < sizeof(v[n].plain));
        memcpy(v[n].key, line, kl + 1);
        memcpy(v[n].url, t2 + 1, ul + 1);
        v[n].plain_len = hl / 2;
        for (size_t i = 0; i < hl / 2; i++) {
            unsigned x;
            cr_assert_eq(sscanf(t1 + 1 + 2 * i, "%2x", &x), 1);
            v[n].plain[i] = (char)x;
        }
        n++;
    }
    fclose(f);
    return n;
}

Test(secrets, shortcrypt_python_model_vectors)
{
    struct vector v[16];
    size_t n = load_vectors(v, SL_ARRAY_SIZE(v));
    cr_assert_geq(n, 6);
    for (size_t i = 0; i < n; i++) {
        struct sl_buf b = SL_BUF_INIT;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_secret_shortcrypt_decrypt(v[i].key, strlen(v[i].key), v[i].url, &b, &err),
                     SL_OK, "vector %zu: %s", i, err.msg);
        cr_assert_eq(b.len, v[i].plain_len, "vector %zu", i);
        cr_assert(memcmp(sl_buf_cstr(&b), v[i].plain, b.len) == 0, "vector %zu", i);
        sl_buf_reset(&b);
        cr_assert_eq(sl_secret_shortcrypt_encrypt(v[i].key, strlen(v[i].key), v[i].plain,
                                                  v[i].plain_len, &b, &err),
                     SL_OK);
        cr_assert_str_eq(sl_buf_cstr(&b), v[i].url, "vector %zu", i);
        sl_buf_release(&b);
    }
}

Test(secrets, shortcrypt_wrong_key_or_damage_is_an_error)
{
    struct vector v[16];
    size_t n = load_vectors(v, SL_ARRAY_SIZE(v));
    size_t rejected = 0;
    for (size_t i = 0; i < n; i++) {
        struct sl_buf b = SL_BUF_INIT;
        struct sl_error err = SL_ERROR_INIT;
        sl_err rc = sl_secret_shortcrypt_decrypt("wrong key", 9, v[i].url, &b, &err);
        if (rc != SL_OK) {
            cr_assert(rc == SL_EAUTH || rc == SL_EINVALVALUE, "rc %d", rc);
            cr_assert_eq(b.len, 0);
            rejected++;
        }
        sl_buf_release(&b);
    }
    /* ShortCrypt has no MAC: its 5-bit checksum and UTF-8 catch most, not all. */
    cr_assert_geq(rejected, n - 1, "only %zu of %zu rejected", rejected, n);

    struct sl_buf b = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_shortcrypt_decrypt("k", 1, "", &b, &err), SL_EINVALVALUE);
    cr_assert_eq(sl_secret_shortcrypt_decrypt("k", 1, "~~~~", &b, &err), SL_EINVALVALUE);
    cr_assert_eq(sl_secret_shortcrypt_decrypt("k", 1, "zzzz", &b, &err), SL_EINVALVALUE);
    cr_assert_eq(b.len, 0);
}

/* ---- editing the slightfile ---------------------------------------------- */

static char *edit_ok(const char *text, const char *name, const char *value)
{
    struct sl_buf out = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(
        sl_secret_slightfile_edit("slightfile.toml", text, strlen(text), name, value, &out, &err),
        SL_OK, "%s\n%s", err.msg, text);
    return keep(sl_buf_detach(&out));
}

Test(secrets, edit_v01_adds_store_and_entry_keeping_comments)
{
    const char *in = "# my app\n"
                     "specversion = \"0.1\"   # old format\n"
                     "\n"
                     "[[capability]]\n"
                     "name = \"kv.filesystem\" # where data goes\n";
    const char *want = "# my app\n"
                       "specversion = \"0.1\"   # old format\n"
                       "secret_store = \"configs.usersecrets\"\n"
                       "\n"
                       "[[capability]]\n"
                       "name = \"kv.filesystem\" # where data goes\n"
                       "\n"
                       "[[secret_settings]]\n"
                       "name = \"TOKEN\"\n"
                       "value = \"slight1:AAAA\"\n";
    cr_assert_str_eq(edit_ok(in, "TOKEN", "slight1:AAAA"), want);
}

Test(secrets, edit_replaces_the_first_entry_only)
{
    const char *in = "specversion = \"0.2\"\n"
                     "[[secret_settings]]\n"
                     "name = \"A\"\n"
                     "value = \"old\"   # first\n"
                     "[[secret_settings]]\n"
                     "name = \"A\"\n"
                     "value = \"\"\"second\nvalue\"\"\"\n";
    const char *want = "specversion = \"0.2\"\n"
                       "[[secret_settings]]\n"
                       "name = \"A\"\n"
                       "value = \"new\"   # first\n"
                       "[[secret_settings]]\n"
                       "name = \"A\"\n"
                       "value = \"\"\"second\nvalue\"\"\"\n";
    cr_assert_str_eq(edit_ok(in, "A", "new"), want);
}

Test(secrets, edit_v02_has_no_secret_store)
{
    const char *in = "specversion = \"0.2\"";
    cr_assert_str_eq(edit_ok(in, "K", "v"), "specversion = \"0.2\"\n\n"
                                            "[[secret_settings]]\nname = \"K\"\nvalue = \"v\"\n");
}

Test(secrets, edit_v01_replaces_another_store)
{
    const char *in = "specversion = '0.1'\nsecret_store = 'configs.envvars' # env\n";
    cr_assert_str_eq(edit_ok(in, "K", "v"),
                     "specversion = '0.1'\nsecret_store = \"configs.usersecrets\" # env\n\n"
                     "[[secret_settings]]\nname = \"K\"\nvalue = \"v\"\n");
    const char *same = "specversion = \"0.1\"\nsecret_store = \"configs.usersecrets\"\n\n"
                       "[[secret_settings]]\nname = \"K\"\nvalue = \"v\"\n";
    cr_assert_str_eq(edit_ok(same, "K", "w"),
                     "specversion = \"0.1\"\nsecret_store = \"configs.usersecrets\"\n\n"
                     "[[secret_settings]]\nname = \"K\"\nvalue = \"w\"\n");
}

Test(secrets, edit_finds_values_after_non_ascii_text)
{
    const char *in = "specversion = \"0.2\"\n"
                     "secret_settings = [ { name = \"gr\xC3\xBC\xC3\x9F\", value = 'x' }, "
                     "{ \"name\" = \"K\", value = \"\xE2\x9C\x93\" } ]\n";
    const char *want = "specversion = \"0.2\"\n"
                       "secret_settings = [ { name = \"gr\xC3\xBC\xC3\x9F\", value = 'x' }, "
                       "{ \"name\" = \"K\", value = \"slight1:Zg\" } ]\n";
    cr_assert_str_eq(edit_ok(in, "K", "slight1:Zg"), want);
}

Test(secrets, edit_keeps_bom_crlf_and_multiline_literals)
{
    const char *in = "\xEF\xBB\xBFspecversion = \"0.1\"\r\n"
                     "[[secret_settings]]\r\n"
                     "name = \"A\"\r\n"
                     "value = '''x'''''\r\n"
                     "\r\n";
    const char *want = "\xEF\xBB\xBFspecversion = \"0.1\"\r\n"
                       "secret_store = \"configs.usersecrets\"\r\n"
                       "[[secret_settings]]\r\n"
                       "name = \"A\"\r\n"
                       "value = \"new\"\r\n"
                       "\r\n";
    char *out = edit_ok(in, "A", "new");
    cr_assert_str_eq(out, want);
    cr_assert_str_eq(edit_ok(out, "B", "b"), "\xEF\xBB\xBFspecversion = \"0.1\"\r\n"
                                             "secret_store = \"configs.usersecrets\"\r\n"
                                             "[[secret_settings]]\r\n"
                                             "name = \"A\"\r\n"
                                             "value = \"new\"\r\n"
                                             "\r\n"
                                             "[[secret_settings]]\r\n"
                                             "name = \"B\"\r\n"
                                             "value = \"b\"\r\n");
}

Test(secrets, edit_escapes_names)
{
    char *out = edit_ok("specversion = \"0.2\"\n", "a\"b\\c\td", "v");
    cr_assert_str_eq(out, "specversion = \"0.2\"\n\n[[secret_settings]]\n"
                          "name = \"a\\\"b\\\\c\\td\"\nvalue = \"v\"\n");
    /* And the escaped name is found again. */
    cr_assert_str_eq(edit_ok(out, "a\"b\\c\td", "w"),
                     "specversion = \"0.2\"\n\n[[secret_settings]]\n"
                     "name = \"a\\\"b\\\\c\\td\"\nvalue = \"w\"\n");
}

Test(secrets, edit_errors)
{
    struct sl_buf out = SL_BUF_INIT;
    struct sl_error err = SL_ERROR_INIT;
    const char *empty = "";
    cr_assert_eq(sl_secret_slightfile_edit("s.toml", empty, 0, "K", "v", &out, &err), SL_ECONFIG);
    cr_assert(strstr(err.msg, "specversion") != NULL, "%s", err.msg);
    const char *bad =
        "specversion = \"0.2\"\n[[capability]]\nresource = \"kv.nope\"\nname = \"a\"\n";
    cr_assert_eq(sl_secret_slightfile_edit("s.toml", bad, strlen(bad), "K", "v", &out, &err),
                 SL_ECONFIG);
    const char *syntax = "specversion = \"0.2\"\nx = \n";
    cr_assert_eq(sl_secret_slightfile_edit("s.toml", syntax, strlen(syntax), "K", "v", &out, &err),
                 SL_ECONFIG);
    const char *inl = "specversion = \"0.2\"\nsecret_settings = [{name = \"A\", value = \"x\"}]\n";
    cr_assert_eq(sl_secret_slightfile_edit("s.toml", inl, strlen(inl), "B", "v", &out, &err),
                 SL_ECONFIG);
    cr_assert(strstr(err.msg, "inline array") != NULL, "%s", err.msg);
    cr_assert_eq(sl_secret_slightfile_edit("s.toml", inl, strlen(inl), "", "v", &out, &err),
                 SL_EINVALKEY);
    cr_assert_null(out.data);
}

/* ---- sl_secret_slightfile_set -------------------------------------------- */

static char *decrypt_entry(const char *path, const char *name)
{
    struct sl_slightfile *sf = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_slightfile_load(path, &sf, &err), SL_OK, "%s", err.msg);
    const struct sl_slightfile_secret *s = sl_slightfile_secret_get(sf, name);
    cr_assert_not_null(s, "no secret %s", name);
    struct sl_buf out = SL_BUF_INIT;
    cr_assert_eq(sl_secret_decrypt(s->value, &out, &err), SL_OK, "%s", err.msg);
    sl_slightfile_free(sf);
    return keep(sl_buf_detach(&out));
}

Test(secrets, set_creates_a_missing_file_and_round_trips)
{
    const char *path = path_in("slightfile.toml");
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_slightfile_set(path, "DB", "postgres://u:p@h/db", 19, &err), SL_OK, "%s",
                 err.msg);
    char *text = read_text(path);
    cr_assert(strncmp(text, "specversion = \"0.2\"\n", 20) == 0, "%s", text);
    cr_assert(strstr(text, "postgres") == NULL, "plaintext in the file");
    cr_assert_str_eq(decrypt_entry(path, "DB"), "postgres://u:p@h/db");
    cr_assert_eq(sl_secret_slightfile_set(path, "DB", "other", 5, &err), SL_OK);
    cr_assert_str_eq(decrypt_entry(path, "DB"), "other");
}

Test(secrets, set_keeps_mode_and_follows_symlinks)
{
    const char *real = path_in("real.toml");
    const char *link = path_in("link.toml");
    write_file(real, "specversion = \"0.1\" # keep me\n", 0640);
    cr_assert_eq(symlink(real, link), 0);
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_slightfile_set(link, "K", "v", 1, &err), SL_OK, "%s", err.msg);
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the link was replaced");
    cr_assert_eq(stat(real, &st), 0);
    cr_assert_eq(st.st_mode & 07777, 0640);
    char *text = read_text(real);
    cr_assert(strstr(text, "# keep me") != NULL);
    cr_assert(strstr(text, "secret_store = \"configs.usersecrets\"") != NULL);
    cr_assert_str_eq(decrypt_entry(real, "K"), "v");
}

Test(secrets, set_refuses_an_empty_file)
{
    const char *path = path_in("slightfile.toml");
    write_file(path, "", 0644);
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_secret_slightfile_set(path, "K", "v", 1, &err), SL_ECONFIG);
    cr_assert_str_eq(read_text(path), "");
    cr_assert(!sl_fs_exists(path_in("config")), "a key was created for a bad file");
}

Test(secrets, concurrent_writers_lose_no_update, .timeout = 60)
{
    enum { N = 6 };
    const char *path = path_in("slightfile.toml");
    write_file(path, "specversion = \"0.2\" # shared\n", 0644);
    pid_t pids[N];
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        cr_assert_neq(pids[i], -1);
        if (pids[i] == 0) {
            char name[16], value[16];
            snprintf(name, sizeof(name), "K%d", i);
            snprintf(value, sizeof(value), "value-%d", i);
            struct sl_error err = SL_ERROR_INIT;
            for (int round = 0; round < 3; round++)
                if (sl_secret_slightfile_set(path, name, value, strlen(value), &err) != SL_OK)
                    _exit(1);
            _exit(0);
        }
    }
    for (int i = 0; i < N; i++) {
        int status = 0;
        cr_assert_eq(waitpid(pids[i], &status, 0), pids[i]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", i);
    }
    for (int i = 0; i < N; i++) {
        char name[16], value[16];
        snprintf(name, sizeof(name), "K%d", i);
        snprintf(value, sizeof(value), "value-%d", i);
        cr_assert_str_eq(decrypt_entry(path, name), value);
    }
    struct sl_slightfile *sf = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_slightfile_load(path, &sf, &err), SL_OK);
    cr_assert_eq(sf->n_secrets, N, "duplicate or lost entries");
    sl_slightfile_free(sf);
}
