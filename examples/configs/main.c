/* The configs demo: reads a greeting from the environment (configs.envvars),
 * a colour from a settings file and counts its runs there (configs.file),
 * and an API token stored with `slight secret` (configs.usersecrets).
 * Built against the C bindings of wit/configs.wit
 * (`slight bindgen c wit/configs.wit`). */
#include <configs.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const error_cases[] = {"not-found", "invalid-value", "permission-denied",
                                          "io-error", "unexpected-error"};

/* Prints "what: case: message" and frees the error. */
static void print_error(const char *what, configs_configs_error_t *e)
{
    /* every case carries a string; they share the union's storage */
    configs_string_t *s = &e->val.unexpected_error;
    printf("%s: %s: %.*s\n", what, e->tag < 5 ? error_cases[e->tag] : "?", (int)s->len, s->ptr);
    configs_configs_error_free(e);
}

/* Opens the store called name, or prints why not and exits. */
static configs_configs_t open_store(const char *name)
{
    configs_string_t n;
    configs_string_set(&n, name);
    configs_expected_configs_configs_error_t r;
    configs_configs_open(&n, &r);
    if (r.is_err) {
        print_error(name, &r.val.err);
        exit(1);
    }
    return r.val.ok;
}

/*
 * Gets key from store into buf (NUL-terminated); returns 0 when there is
 * none, after printing the error unless it is not-found and quiet is set.
 */
static int get(configs_configs_t store, const char *what, const char *key, char *buf, size_t size,
               int quiet)
{
    configs_string_t k;
    configs_string_set(&k, key);
    configs_expected_list_u8_configs_error_t r;
    configs_configs_get(store, &k, &r);
    if (r.is_err && quiet && r.val.err.tag == CONFIGS_CONFIGS_ERROR_NOT_FOUND) {
        configs_configs_error_free(&r.val.err);
        return 0;
    }
    if (r.is_err) {
        char label[128];
        snprintf(label, sizeof(label), "%s %s", what, key);
        print_error(label, &r.val.err);
        return 0;
    }
    size_t n = r.val.ok.len < size - 1 ? r.val.ok.len : size - 1;
    memcpy(buf, r.val.ok.ptr, n);
    buf[n] = '\0';
    configs_list_u8_free(&r.val.ok);
    return 1;
}

int main(void)
{
    char v[256];
    configs_configs_t env = open_store("env");
    if (get(env, "env", "CFGDEMO_GREETING", v, sizeof(v), 0))
        printf("greeting (configs.envvars): %s\n", v);

    configs_configs_t settings = open_store("settings");
    if (get(settings, "settings", "color", v, sizeof(v), 0))
        printf("color (configs.file): %s\n", v);
    unsigned long runs = 0; /* no "runs" line yet: the first run */
    if (get(settings, "settings", "runs", v, sizeof(v), 1))
        runs = strtoul(v, NULL, 10);
    int len = snprintf(v, sizeof(v), "%lu", runs + 1);
    configs_string_t key;
    configs_string_set(&key, "runs");
    configs_list_u8_t value = {(uint8_t *)v, (size_t)len};
    configs_expected_unit_configs_error_t set;
    configs_configs_set(settings, &key, &value, &set);
    if (set.is_err)
        print_error("settings set runs", &set.val.err);
    else
        printf("runs (configs.file, written back): %lu\n", runs + 1);

    configs_configs_t secrets = open_store("secrets");
    if (get(secrets, "secrets", "api-token", v, sizeof(v), 0))
        printf("api-token (configs.usersecrets): %zu characters, starts with '%.3s'\n",
               strlen(v), v);
    get(secrets, "secrets", "no-such-secret", v, sizeof(v), 0);

    configs_configs_free(&secrets);
    configs_configs_free(&settings);
    configs_configs_free(&env);
    return 0;
}
