/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_slightfile.c -- the slightfile loader: spec 0.1 and 0.2, every
 * resource spelling, slight's fixture verdicts (SLIGHT-SPEC 2.4), every
 * validation message word for word, [limits], lookups and warnings.
 */
#include "sl_common.h"

#include "config/slightfile.h"

#include "common/err.h"
#include "common/log.h"
#include "common/mem.h"

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NAME "slightfile.toml"

static struct sl_slightfile *load_ok(const char *text)
{
    struct sl_slightfile *sf = NULL;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_slightfile_parse(NAME, text, strlen(text), &sf, &err), SL_OK,
                 "rejected: %s\n%s", err.msg, text);
    cr_assert_not_null(sf);
    return sf;
}

static void load_fails(const char *text, const char *msg)
{
    struct sl_slightfile *sf = (void *)1;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_slightfile_parse(NAME, text, strlen(text), &sf, &err), SL_ECONFIG,
                 "accepted or wrong code (%s):\n%s", err.msg, text);
    cr_assert_eq(err.code, SL_ECONFIG);
    cr_assert_null(sf);
    cr_assert_str_eq(err.msg, msg, "for:\n%s\ngot:  %s\nwant: %s", text, err.msg, msg);
}

/* ---- well-formed files ------------------------------------------------- */

Test(slightfile, v02_full)
{
    struct sl_slightfile *sf = load_ok("specversion = \"0.2\"\n"
                                       "\n"
                                       "[[capability]]\n"
                                       "resource = \"kv.redis\"\n"
                                       "name = \"my-kv\"\n"
                                       "    [capability.configs]\n"
                                       "    REDIS_ADDRESS = \"${envvars.REDIS}\"\n"
                                       "    B = \"2\"\n"
                                       "    A = \"1\"\n"
                                       "\n"
                                       "[[capability]]\n"
                                       "resource = \"messaging.nats\"\n"
                                       "name = \"*\"\n"
                                       "\n"
                                       "[[secret_settings]]\n"
                                       "name = \"KEY\"\n"
                                       "value = \"ciphertext\"\n"
                                       "\n"
                                       "[limits]\n"
                                       "timeout = \"30s\"\n"
                                       "max_memory = \"64MiB\"\n"
                                       "max_request_body = \"1MB\"\n");
    cr_assert_eq(sf->version, SL_SLIGHTFILE_V0_2);
    cr_assert_str_eq(sf->path, NAME);
    cr_assert_null(sf->secret_store);
    cr_assert_eq(sf->n_caps, 2);
    const struct sl_slightfile_capability *kv = &sf->caps[0];
    cr_assert_str_eq(kv->name, "my-kv");
    cr_assert_str_eq(kv->resource, "kv.redis");
    cr_assert_str_eq(kv->canonical, "keyvalue.redis");
    cr_assert_str_eq(kv->type, "keyvalue");
    cr_assert_str_eq(kv->backend, "redis");
    cr_assert_not(kv->any);
    cr_assert_not(kv->v1_form);
    cr_assert(kv->has_configs);
    cr_assert_eq(kv->line, 3);
    cr_assert_eq(kv->n_configs, 3);
    cr_assert_str_eq(kv->configs[0].key, "REDIS_ADDRESS");
    cr_assert_str_eq(kv->configs[0].value, "${envvars.REDIS}");
    cr_assert_eq(kv->configs[0].line, 7);
    cr_assert_str_eq(kv->configs[1].key, "B");
    cr_assert_str_eq(kv->configs[2].key, "A");
    cr_assert_eq(kv->configs[2].line, 9);
    cr_assert_str_eq(sl_slightfile_config_get(kv, "B")->value, "2");
    cr_assert_null(sl_slightfile_config_get(kv, "C"));
    const struct sl_slightfile_capability *mq = &sf->caps[1];
    cr_assert(mq->any);
    cr_assert_str_eq(mq->type, "messaging");
    cr_assert_not(mq->has_configs);
    cr_assert_eq(mq->n_configs, 0);
    cr_assert_eq(mq->line, 11);
    cr_assert_eq(sf->n_secrets, 1);
    cr_assert_str_eq(sf->secrets[0].name, "KEY");
    cr_assert_str_eq(sf->secrets[0].value, "ciphertext");
    cr_assert_eq(sf->secrets[0].line, 15);
    cr_assert(sf->limits.has_timeout);
    cr_assert_eq(sf->limits.timeout_ms, 30000);
    cr_assert(sf->limits.has_max_memory);
    cr_assert_eq(sf->limits.max_memory, 64u << 20);
    cr_assert(sf->limits.has_max_request_body);
    cr_assert_eq(sf->limits.max_request_body, 1000000);
    sl_slightfile_free(sf);
}

Test(slightfile, v01_full)
{
    struct sl_slightfile *sf = load_ok("specversion = \"0.1\"\n"
                                       "secret_store = \"configs.usersecrets\"\n"
                                       "[[capability]]\n"
                                       "name = \"kv.filesystem\"\n"
                                       "[[capability]]\n"
                                       "name = \"configs.usersecrets\"\n"
                                       "[[secret_settings]]\n"
                                       "name = \"A\"\n"
                                       "value = \"1\"\n"
                                       "[[secret_settings]]\n"
                                       "name = \"A\"\n"
                                       "value = \"2\"\n");
    cr_assert_eq(sf->version, SL_SLIGHTFILE_V0_1);
    cr_assert_str_eq(sf->secret_store, "configs.usersecrets");
    cr_assert_eq(sf->secret_store_line, 2);
    cr_assert_eq(sf->n_caps, 2);
    cr_assert(sf->caps[0].v1_form);
    cr_assert_str_eq(sf->caps[0].name, "kv.filesystem");
    cr_assert_str_eq(sf->caps[0].resource, "kv.filesystem");
    cr_assert_str_eq(sf->caps[0].canonical, "keyvalue.filesystem");
    cr_assert_not(sf->caps[0].has_configs);
    cr_assert_str_eq(sf->caps[1].type, "configs");
    cr_assert_eq(sf->n_secrets, 2);
    cr_assert_str_eq(sl_slightfile_secret_get(sf, "A")->value, "1");
    cr_assert_null(sl_slightfile_secret_get(sf, "B"));
    cr_assert_not(sf->limits.has_timeout);
    cr_assert_not(sf->limits.has_max_memory);
    cr_assert_not(sf->limits.has_max_request_body);
    sl_slightfile_free(sf);
}

Test(slightfile, inline_tables_are_the_same)
{
    struct sl_slightfile *sf =
        load_ok("specversion = \"0.2\"\n"
                "capability = [ { resource = \"sql.postgres\", name = \"db\", configs = { "
                "POSTGRES_CONNECTION_URL = \"postgres://x\" } } ]\n"
                "limits = { timeout = \"500ms\" }\n");
    cr_assert_eq(sf->n_caps, 1);
    cr_assert_str_eq(sf->caps[0].configs[0].value, "postgres://x");
    cr_assert_eq(sf->limits.timeout_ms, 500);
    sl_slightfile_free(sf);
}

/* Every accepted spelling, under both spec versions. */
Test(slightfile, every_resource_string)
{
    static const struct {
        const char *written, *canonical, *type, *backend;
    } res[] = {
        {"blobstore.aws_s3", "blobstore.aws_s3", "blob", "aws_s3"},
        {"blobstore.azblob", "blobstore.azblob", "blob", "azblob"},
        {"blobstore.filesystem", "blobstore.filesystem", "blob", "filesystem"},
        {"keyvalue.awsdynamodb", "keyvalue.awsdynamodb", "keyvalue", "awsdynamodb"},
        {"kv.awsdynamodb", "keyvalue.awsdynamodb", "keyvalue", "awsdynamodb"},
        {"keyvalue.azblob", "keyvalue.azblob", "keyvalue", "azblob"},
        {"kv.azblob", "keyvalue.azblob", "keyvalue", "azblob"},
        {"keyvalue.filesystem", "keyvalue.filesystem", "keyvalue", "filesystem"},
        {"kv.filesystem", "keyvalue.filesystem", "keyvalue", "filesystem"},
        {"keyvalue.redis", "keyvalue.redis", "keyvalue", "redis"},
        {"kv.redis", "keyvalue.redis", "keyvalue", "redis"},
        {"keyvalue.memory", "keyvalue.memory", "keyvalue", "memory"},
        {"keyvalue.sqlite", "keyvalue.sqlite", "keyvalue", "sqlite"},
        {"messaging.azsbus", "messaging.azsbus", "messaging", "azsbus"},
        {"mq.azsbus", "messaging.azsbus", "messaging", "azsbus"},
        {"messaging.confluent_apache_kafka", "messaging.confluent_apache_kafka", "messaging",
         "confluent_apache_kafka"},
        {"messaging.filesystem", "messaging.filesystem", "messaging", "filesystem"},
        {"mq.filesystem", "messaging.filesystem", "messaging", "filesystem"},
        {"messaging.mosquitto", "messaging.mosquitto", "messaging", "mosquitto"},
        {"messaging.nats", "messaging.nats", "messaging", "nats"},
        {"messaging.memory", "messaging.memory", "messaging", "memory"},
        {"messaging.redis", "messaging.redis", "messaging", "redis"},
        {"messaging.amqp", "messaging.amqp", "messaging", "amqp"},
        {"http", "http", "http", ""},
        {"http-client", "http-client", "http-client", ""},
        {"configs.azapp", "configs.azapp", "configs", "azapp"},
        {"configs.envvars", "configs.envvars", "configs", "envvars"},
        {"configs.usersecrets", "configs.usersecrets", "configs", "usersecrets"},
        {"configs.file", "configs.file", "configs", "file"},
        {"distributed_locking.etcd", "distributed_locking.etcd", "distributed_locking", "etcd"},
        {"lockd.etcd", "distributed_locking.etcd", "distributed_locking", "etcd"},
        {"distributed_locking.redis", "distributed_locking.redis", "distributed_locking", "redis"},
        {"distributed_locking.filesystem", "distributed_locking.filesystem", "distributed_locking",
         "filesystem"},
        {"sql.postgres", "sql.postgres", "sql", "postgres"},
        {"sql.sqlite", "sql.sqlite", "sql", "sqlite"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(res); i++) {
        char text[512];
        for (int v = 1; v <= 2; v++) {
            if (v == 1)
                snprintf(text, sizeof(text),
                         "specversion = \"0.1\"\n[[capability]]\nname = \"%s\"\n", res[i].written);
            else
                snprintf(text, sizeof(text),
                         "specversion = \"0.2\"\n[[capability]]\nresource = \"%s\"\nname = \"x\"\n",
                         res[i].written);
            struct sl_slightfile *sf = load_ok(text);
            const struct sl_slightfile_capability *c = &sf->caps[0];
            cr_assert_str_eq(c->resource, res[i].written);
            cr_assert_str_eq(c->canonical, res[i].canonical);
            cr_assert_str_eq(c->type, res[i].type);
            cr_assert_str_eq(c->backend, res[i].backend);
            cr_assert_eq(c->v1_form, v == 1);
            cr_assert(sl_slightfile_declares(sf, res[i].type));
            sl_slightfile_free(sf);
        }
        const char *type = NULL, *backend = NULL;
        cr_assert_str_eq(sl_slightfile_resource_lookup(res[i].written, &type, &backend),
                         res[i].canonical);
        cr_assert_str_eq(type, res[i].type);
        cr_assert_str_eq(backend, res[i].backend);
    }
    cr_assert_null(sl_slightfile_resource_lookup("keyvalue.dapr", NULL, NULL));
    cr_assert_null(sl_slightfile_resource_lookup("configs.local", NULL, NULL));
    cr_assert_null(sl_slightfile_resource_lookup("KEYVALUE.REDIS", NULL, NULL));
    cr_assert_null(sl_slightfile_resource_lookup(NULL, NULL, NULL));
}

/* ---- slight's own fixtures (SLIGHT-SPEC 2.4) ---------------------------- */

Test(slightfile, slight_fixture_verdicts)
{
    static const char *const good[] = {
        /* dup-good-1: "*" for messaging and for keyvalue */
        "specversion = \"0.2\"\n[[capability]]\nresource = \"messaging.filesystem\"\nname = "
        "\"*\"\n[[capability]]\nresource = \"keyvalue.filesystem\"\nname = \"*\"\n",
        /* dup-good-2: two keyvalue names and a messaging "*" */
        "specversion = \"0.2\"\n[[capability]]\nresource = \"keyvalue.azblob\"\nname = "
        "\"a\"\n[[capability]]\nresource = \"keyvalue.azblob\"\nname = \"b\"\n[[capability]]\n"
        "resource = \"messaging.azsbus\"\nname = \"*\"\n",
        /* dup-good-3: one name under two types */
        "specversion = \"0.2\"\n[[capability]]\nresource = \"messaging.nats\"\nname = "
        "\"same-name\"\n[[capability]]\nresource = \"keyvalue.redis\"\nname = \"same-name\"\n",
        /* empty: a version and nothing else */
        "specversion = \"0.1\"\n",
        /* keyvalue_azblob_slightfile (v0.1) */
        "specversion = \"0.1\"\nsecret_store = \"configs.azapp\"\n\n[[capability]]\nname = "
        "\"keyvalue.azblob\"\n",
        /* msg: configs with a quoted port */
        "specversion = \"0.2\"\n\n[[capability]]\nresource = \"messaging.mosquitto\"\nname = "
        "\"*\"\n    [capability.configs]\n    MOSQUITTO_HOST = \"localhost\"\n"
        "    MOSQUITTO_PORT = \"1884\"\n",
        /* smoke: 0.2 with name = "something" */
        "specversion = \"0.2\"\n\n[[capability]]\nname = \"something\"\nresource = "
        "\"keyvalue.azblob\"",
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(good); i++)
        sl_slightfile_free(load_ok(good[i]));

    /* dup-1: a name, then "*" */
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"keyvalue.azblob\"\nname = "
               "\"my-container\"\n[[capability]]\nresource = \"keyvalue.filesystem\"\nname = "
               "\"*\"\n",
               NAME ":5: the keyvalue capability \"*\" conflicts with \"my-container\" at line "
                    "2: a \"*\" capability must be the only one of its type");
    /* dup-2: "*", then a name */
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"keyvalue.azblob\"\nname = "
               "\"*\"\n[[capability]]\nresource = \"keyvalue.filesystem\"\nname = "
               "\"my-container\"\n",
               NAME ":5: the keyvalue capability \"my-container\" conflicts with \"*\" at line "
                    "2: a \"*\" capability must be the only one of its type");
    /* dup-3: the same name twice */
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"keyvalue.azblob\"\nname = "
               "\"my-container\"\n[[capability]]\nresource = \"keyvalue.filesystem\"\nname = "
               "\"my-container\"\n",
               NAME ":5: the keyvalue capability name \"my-container\" is already defined at "
                    "line 2");
    /* empty, no-spec */
    load_fails("", NAME ": missing specversion; a slightfile starts with specversion = \"0.2\" "
                        "(or \"0.1\")");
    load_fails("[[capability]]\nname = \"keyvalue.azblob\"\n",
               NAME ": missing specversion; a slightfile starts with specversion = \"0.2\" "
                    "(or \"0.1\")");
    /* not-supported */
    load_fails("specversion = \"0.46543\"\n",
               NAME ":1: unknown specversion \"0.46543\"; known: \"0.1\", \"0.2\"");
    /* v1_v2: 0.1 with the 0.2 form */
    load_fails("specversion = \"0.1\"\n\n[[capability]]\nname = \"something\"\nresource = "
               "\"keyvalue.azblob\"",
               NAME ":3: capability with resource and name is the specversion \"0.2\" form, but "
                    "specversion is \"0.1\"; write name = \"<resource>\" or use specversion = "
                    "\"0.2\"");
    /* v2_v1: 0.2 with the 0.1 form */
    load_fails("specversion = \"0.2\"\n\n[[capability]]\nname = \"keyvalue.azblob\"\n",
               NAME ":3: capability name = \"keyvalue.azblob\" is the specversion \"0.1\" form, "
                    "but specversion is \"0.2\"; write resource = \"keyvalue.azblob\" and name = "
                    "\"<a name>\"");
}

/* ---- every message ------------------------------------------------------ */

Test(slightfile, specversion_messages)
{
    load_fails("specversion = 0.2\n",
               NAME ":1: specversion must be a string, \"0.1\" or \"0.2\", not a float");
    load_fails("specversion = \"0.2 \"\n",
               NAME ":1: unknown specversion \"0.2 \"; known: \"0.1\", \"0.2\"");
    load_fails("specversion = \"0.2\"\nspecversion = \"0.1\"\n",
               NAME ":2:15: Error while parsing key-value pair: cannot redefine existing string "
                    "'specversion'");
}

Test(slightfile, toml_syntax_error)
{
    load_fails("specversion = \"0.2\"\n[[capability]\n",
               NAME ":2:14: Error while parsing table header: expected ']', saw '\\n'");
}

Test(slightfile, secret_store_messages)
{
    load_fails("specversion = \"0.1\"\nsecret_store = 1\n",
               NAME ":2: secret_store must be a string, not an integer");
    load_fails("specversion = \"0.1\"\nsecret_store = \"configs.envvar\"\n",
               NAME ":2: unknown secret_store \"configs.envvar\"; did you mean "
                    "\"configs.envvars\"? known: configs.azapp, configs.envvars, configs.local, "
                    "configs.usersecrets");
    load_fails("specversion = \"0.1\"\nsecret_store = \"vault\"\n",
               NAME ":2: unknown secret_store \"vault\"; known: configs.azapp, configs.envvars, "
                    "configs.local, configs.usersecrets");
    static const char *const stores[] = {"configs.azapp", "configs.envvars", "configs.local",
                                         "configs.usersecrets"};
    for (size_t i = 0; i < SL_ARRAY_SIZE(stores); i++) {
        char text[128];
        snprintf(text, sizeof(text), "specversion = \"0.1\"\nsecret_store = \"%s\"\n", stores[i]);
        struct sl_slightfile *sf = load_ok(text);
        cr_assert_str_eq(sf->secret_store, stores[i]);
        sl_slightfile_free(sf);
    }
}

Test(slightfile, secret_store_under_v02_is_ignored_with_a_warning, .init = cr_redirect_stderr)
{
    struct sl_slightfile *sf =
        load_ok("specversion = \"0.2\"\nsecret_store = \"configs.envvars\"\n");
    cr_assert_str_eq(sf->secret_store, "configs.envvars");
    sl_slightfile_free(sf);
    fflush(stderr);
    cr_assert_stderr_eq_str("slight: warning: " NAME ":2: secret_store is ignored under "
                            "specversion \"0.2\"; capabilities take their settings from "
                            "[capability.configs]\n");
}

Test(slightfile, secret_settings_messages)
{
    load_fails("specversion = \"0.2\"\nsecret_settings = \"x\"\n",
               NAME ":2: secret_settings must be an array of tables ([[secret_settings]] with "
                    "name and value), not a string");
    load_fails("specversion = \"0.2\"\nsecret_settings = [1]\n",
               NAME ":2: secret_settings entries must be tables with name and value, not an "
                    "integer");
    load_fails("specversion = \"0.2\"\n[[secret_settings]]\nvalue = \"v\"\n",
               NAME ":2: secret_settings entry has no name (a string)");
    load_fails("specversion = \"0.2\"\n[[secret_settings]]\nname = 1\n",
               NAME ":3: secret_settings name must be a string, not an integer");
    load_fails("specversion = \"0.2\"\n[[secret_settings]]\nname = \"K\"\n",
               NAME ":2: secret_settings entry \"K\" has no value (a string)");
    load_fails("specversion = \"0.2\"\n[[secret_settings]]\nname = \"K\"\nvalue = true\n",
               NAME ":4: secret_settings value must be a string, not a boolean");
    load_fails("specversion = \"0.2\"\n[[secret_settings]]\nname = \"K\\u0000\"\nvalue = \"\"\n",
               NAME ":3: secret_settings name must not contain a NUL character");
}

Test(slightfile, capability_shape_messages)
{
    load_fails("specversion = \"0.2\"\n[capability]\nresource = \"http\"\nname = \"x\"\n",
               NAME ":2: capability must be an array of tables: write [[capability]], not "
                    "[capability]");
    load_fails("specversion = \"0.2\"\ncapability = \"http\"\n",
               NAME ":2: capability must be an array of tables ([[capability]]), not a string");
    load_fails("specversion = \"0.2\"\ncapability = [\"http\"]\n",
               NAME ":2: capability entries must be tables ([[capability]]), not a string");
}

Test(slightfile, v01_capability_messages)
{
    load_fails("specversion = \"0.1\"\n[[capability]]\n",
               NAME ":2: capability has no name; under specversion \"0.1\" write name = "
                    "\"<resource>\", e.g. name = \"keyvalue.filesystem\"");
    load_fails("specversion = \"0.1\"\n[[capability]]\nname = 3\n",
               NAME ":3: capability name must be a string, not an integer");
    load_fails("specversion = \"0.1\"\n[[capability]]\nname = \"kv.filesystem\"\n\n"
               "[[capability]]\nname = \"keyvalue.redsi\"\n",
               NAME ":6: unknown resource \"keyvalue.redsi\"; did you mean \"keyvalue.redis\"? "
                    "known: keyvalue.awsdynamodb, keyvalue.azblob, keyvalue.filesystem, "
                    "keyvalue.memory, keyvalue.redis, keyvalue.sqlite");
    load_fails("specversion = \"0.1\"\n[[capability]]\nname = \"configs.local\"\n",
               NAME ":3: resource \"configs.local\" can only be a specversion \"0.1\" "
                    "secret_store, not a capability; known: configs.azapp, configs.envvars, "
                    "configs.file, configs.usersecrets");
    load_fails("specversion = \"0.1\"\n[[capability]]\nname = \"keyvalue.dapr\"\n",
               NAME ":3: resource \"keyvalue.dapr\" is not supported (slight v0.5.1 accepted it "
                    "but had no implementation); known: keyvalue.awsdynamodb, keyvalue.azblob, "
                    "keyvalue.filesystem, keyvalue.memory, keyvalue.redis, keyvalue.sqlite");
    load_fails("specversion = \"0.1\"\n[[capability]]\nname = \"keyvalue.redis\"\n"
               "[[capability]]\nname = \"keyvalue.redis\"\n",
               NAME ":4: the keyvalue capability name \"keyvalue.redis\" is already defined at "
                    "line 2");
}

Test(slightfile, v02_capability_messages)
{
    load_fails("specversion = \"0.2\"\n[[capability]]\nname = \"my-kv\"\n",
               NAME ":2: capability \"my-kv\" has no resource; under specversion \"0.2\" write "
                    "resource = \"<type>.<backend>\" and name = \"<a name>\"");
    load_fails("specversion = \"0.2\"\n[[capability]]\n",
               NAME ":2: capability has no resource; under specversion \"0.2\" write resource "
                    "= \"<type>.<backend>\" and name = \"<a name>\"");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = [\"http\"]\nname = \"x\"\n",
               NAME ":3: capability resource must be a string, not an array");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"kv.reds\"\nname = \"x\"\n",
               NAME ":3: unknown resource \"kv.reds\"; did you mean \"kv.redis\"? known: "
                    "keyvalue.awsdynamodb, keyvalue.azblob, keyvalue.filesystem, "
                    "keyvalue.memory, keyvalue.redis, keyvalue.sqlite");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"messaging.kafka\"\n"
               "name = \"x\"\n",
               NAME ":3: unknown resource \"messaging.kafka\"; known: messaging.amqp, "
                    "messaging.azsbus, messaging.confluent_apache_kafka, messaging.filesystem, "
                    "messaging.memory, messaging.mosquitto, messaging.nats, messaging.redis");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"cache.redis\"\n"
               "name = \"x\"\n",
               NAME ":3: unknown resource \"cache.redis\"; known: "
                    "blobstore.{aws_s3,azblob,filesystem}, configs.{azapp,envvars,file,"
                    "usersecrets}, distributed_locking.{etcd,filesystem,redis}, http, "
                    "http-client, keyvalue.{awsdynamodb,azblob,filesystem,memory,redis,sqlite}, "
                    "messaging.{amqp,azsbus,confluent_apache_kafka,filesystem,memory,mosquitto,"
                    "nats,redis}, sql.{postgres,sqlite}");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"htpp\"\nname = \"x\"\n",
               NAME ":3: unknown resource \"htpp\"; did you mean \"http\"? known: http");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"configs.local\"\n"
               "name = \"x\"\n",
               NAME ":3: resource \"configs.local\" can only be a specversion \"0.1\" "
                    "secret_store, not a capability; known: configs.azapp, configs.envvars, "
                    "configs.file, configs.usersecrets");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"keyvalue.dapr\"\n"
               "name = \"x\"\n",
               NAME ":3: resource \"keyvalue.dapr\" is not supported (slight v0.5.1 accepted it "
                    "but had no implementation); known: keyvalue.awsdynamodb, keyvalue.azblob, "
                    "keyvalue.filesystem, keyvalue.memory, keyvalue.redis, keyvalue.sqlite");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"keyvalue.redis\"\n",
               NAME ":2: capability \"keyvalue.redis\" has no name; write name = \"<a name>\" "
                    "(or \"*\" for any name)");
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"keyvalue.redis\"\n"
               "name = 7\n",
               NAME ":4: capability name must be a string, not an integer");
}

Test(slightfile, configs_messages)
{
    const char *head = "specversion = \"0.2\"\n[[capability]]\nresource = \"messaging.mosquitto\"\n"
                       "name = \"mq\"\n";
    static const struct {
        const char *tail, *msg;
    } cases[] = {
        {"configs = \"x\"\n",
         ":5: capability \"mq\": configs must be a table of strings ([capability.configs]), not "
         "a string"},
        {"[capability.configs]\nMOSQUITTO_PORT = 1883\n",
         ":6: capability \"mq\": config MOSQUITTO_PORT must be a string, not an integer (write "
         "MOSQUITTO_PORT = \"1883\")"},
        {"[capability.configs]\nTLS = false\n",
         ":6: capability \"mq\": config TLS must be a string, not a boolean (write TLS = "
         "\"false\")"},
        {"[capability.configs]\nRATIO = 0.5\n",
         ":6: capability \"mq\": config RATIO must be a string, not a float"},
        {"[capability.configs]\nHOSTS = [\"a\"]\n",
         ":6: capability \"mq\": config HOSTS must be a string, not an array"},
        {"[capability.configs]\nHOST = \"a\\u0000b\"\n",
         ":6: capability \"mq\": config HOST must not contain a NUL character"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(cases); i++) {
        char text[512], msg[512];
        snprintf(text, sizeof(text), "%s%s", head, cases[i].tail);
        snprintf(msg, sizeof(msg), "%s%s", NAME, cases[i].msg);
        load_fails(text, msg);
    }
    char text[512];
    snprintf(text, sizeof(text), "%s[capability.configs]\n", head);
    struct sl_slightfile *sf = load_ok(text);
    cr_assert(sf->caps[0].has_configs);
    cr_assert_eq(sf->caps[0].n_configs, 0);
    sl_slightfile_free(sf);
}

Test(slightfile, namespaces)
{
    /* http and http-client are checked like the others. */
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"http\"\nname = \"h\"\n"
               "[[capability]]\nresource = \"http\"\nname = \"h\"\n",
               NAME ":5: the http capability name \"h\" is already defined at line 2");
    /* kv. and keyvalue. are one type. */
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"kv.redis\"\nname = \"*\"\n"
               "[[capability]]\nresource = \"keyvalue.memory\"\nname = \"*\"\n",
               NAME ":5: the keyvalue capability name \"*\" is already defined at line 2");
    /* Different types never clash. */
    struct sl_slightfile *sf =
        load_ok("specversion = \"0.2\"\n[[capability]]\nresource = \"http\"\nname = \"*\"\n"
                "[[capability]]\nresource = \"http-client\"\nname = \"*\"\n"
                "[[capability]]\nresource = \"blobstore.azblob\"\nname = \"*\"\n");
    sl_slightfile_free(sf);
}

Test(slightfile, limits_messages)
{
    const char *dform = "expected a number followed by ms, s, m or h (e.g. 30s, 500ms)";
    const char *sform =
        "expected a number followed by B, KB, MB, GB, KiB, MiB or GiB (e.g. 64MiB, 512KB)";
    char msg[512];
    load_fails("specversion = \"0.2\"\nlimits = \"30s\"\n",
               NAME ":2: limits must be a table ([limits]), not a string");
    load_fails("specversion = \"0.2\"\n[limits]\ntimout = \"30s\"\n",
               NAME ":3: unknown key \"timout\" in [limits]; did you mean \"timeout\"? known: "
                    "timeout, max_memory, max_request_body");
    load_fails("specversion = \"0.2\"\n[limits]\ncpu = \"1\"\n",
               NAME ":3: unknown key \"cpu\" in [limits]; known: timeout, max_memory, "
                    "max_request_body");
    snprintf(msg, sizeof(msg), NAME ":3: limits.timeout must be a string, not an integer: %s",
             dform);
    load_fails("specversion = \"0.2\"\n[limits]\ntimeout = 30\n", msg);
    snprintf(msg, sizeof(msg), NAME ":3: limits.timeout: invalid duration '30': %s", dform);
    load_fails("specversion = \"0.2\"\n[limits]\ntimeout = \"30\"\n", msg);
    snprintf(msg, sizeof(msg), NAME ":3: limits.timeout: invalid duration '1.5s': %s", dform);
    load_fails("specversion = \"0.2\"\n[limits]\ntimeout = \"1.5s\"\n", msg);
    load_fails("specversion = \"0.2\"\n[limits]\ntimeout = \"0ms\"\n",
               NAME ":3: limits.timeout must be greater than 0");
    load_fails("specversion = \"0.2\"\n[limits]\ntimeout = \"99999999999999999999h\"\n",
               NAME ":3: limits.timeout: invalid duration '99999999999999999999h': too large");
    snprintf(msg, sizeof(msg), NAME ":3: limits.max_memory: invalid size '64M': %s", sform);
    load_fails("specversion = \"0.2\"\n[limits]\nmax_memory = \"64M\"\n", msg);
    snprintf(msg, sizeof(msg), NAME ":3: limits.max_memory must be a string, not an integer: %s",
             sform);
    load_fails("specversion = \"0.2\"\n[limits]\nmax_memory = 65536\n", msg);
    load_fails("specversion = \"0.2\"\n[limits]\nmax_memory = \"0B\"\n",
               NAME ":3: limits.max_memory must be greater than 0");
    load_fails("specversion = \"0.2\"\n[limits]\nmax_memory = \"4097MiB\"\n",
               NAME ":3: limits.max_memory '4097MiB' is more than 4GiB, the most a wasm32 "
                    "memory can hold");
    snprintf(msg, sizeof(msg), NAME ":4: limits.max_request_body: invalid size '1 MB': %s", sform);
    load_fails("specversion = \"0.2\"\n[limits]\ntimeout = \"1m\"\nmax_request_body = \"1 MB\"\n",
               msg);
    load_fails("specversion = \"0.2\"\n[limits]\nmax_request_body = \"1MB\\u0000x\"\n",
               NAME ":3: limits.max_request_body must not contain a NUL character");

    struct sl_slightfile *sf = load_ok("specversion = \"0.1\"\n[limits]\nmax_memory = \"4GiB\"\n"
                                       "max_request_body = \"0B\"\n");
    cr_assert(sf->limits.has_max_memory);
    cr_assert_eq(sf->limits.max_memory, UINT64_C(4) << 30);
    cr_assert(sf->limits.has_max_request_body);
    cr_assert_eq(sf->limits.max_request_body, 0);
    cr_assert_not(sf->limits.has_timeout);
    sl_slightfile_free(sf);
}

/* ---- where we differ from slight on purpose, and warnings ---------------- */

Test(slightfile, v02_entry_named_like_a_resource_is_v02)
{
    struct sl_slightfile *sf = load_ok("specversion = \"0.2\"\n[[capability]]\nresource = "
                                       "\"keyvalue.redis\"\nname = \"keyvalue.filesystem\"\n");
    cr_assert_str_eq(sf->caps[0].canonical, "keyvalue.redis");
    cr_assert_str_eq(sf->caps[0].name, "keyvalue.filesystem");
    cr_assert_not(sf->caps[0].v1_form);
    sl_slightfile_free(sf);
}

Test(slightfile, v01_ignores_resource_and_configs_with_warnings, .init = cr_redirect_stderr)
{
    struct sl_slightfile *sf = load_ok("specversion = \"0.1\"\n[[capability]]\nname = "
                                       "\"keyvalue.redis\"\nresource = \"keyvalue.azblob\"\n"
                                       "[capability.configs]\nA = \"b\"\n");
    cr_assert_str_eq(sf->caps[0].canonical, "keyvalue.redis");
    cr_assert(sf->caps[0].v1_form);
    cr_assert_not(sf->caps[0].has_configs);
    sl_slightfile_free(sf);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "slight: warning: " NAME ":4: capability \"keyvalue.redis\": resource is ignored in the "
        "specversion \"0.1\" form, where the name is the resource\n"
        "slight: warning: " NAME ":5: capability \"keyvalue.redis\": configs is ignored under "
        "specversion \"0.1\", where settings come from secret_store\n");
}

Test(slightfile, unknown_fields_warn, .init = cr_redirect_stderr)
{
    struct sl_slightfile *sf = load_ok("specversion = \"0.2\"\n[[capability]]\nresource = "
                                       "\"http\"\nname = \"h\"\nconfig = { A = \"1\" }\n"
                                       "colour = \"blue\"\n");
    sl_slightfile_free(sf);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "slight: warning: " NAME ":5: capability \"h\": unknown field \"config\" is ignored "
        "(did you mean \"configs\"?); known: name, resource, configs\n"
        "slight: warning: " NAME ":6: capability \"h\": unknown field \"colour\" is ignored; "
        "known: name, resource, configs\n");
}

Test(slightfile, unknown_top_level_keys, .init = cr_redirect_stderr)
{
    setenv("SLIGHT_LOG", "debug", 1);
    sl_log_init();
    struct sl_slightfile *sf = load_ok("specversion = \"0.2\"\nauthor = \"me\"\n"
                                       "[[capabilty]]\nresource = \"http\"\n");
    cr_assert_eq(sf->n_caps, 0);
    sl_slightfile_free(sf);
    fflush(stderr);
    cr_assert_stderr_eq_str("slight: debug: " NAME ":2: unknown top-level key \"author\" is "
                            "ignored\n"
                            "slight: warning: " NAME ":3: unknown top-level key \"capabilty\" is "
                            "ignored; did you mean \"capability\"?\n");
}

Test(slightfile, unknown_top_level_key_is_quiet_by_default, .init = cr_redirect_stderr)
{
    unsetenv("SLIGHT_LOG");
    unsetenv("RUST_LOG");
    sl_log_init();
    sl_slightfile_free(load_ok("specversion = \"0.2\"\n[metadata]\nauthor = \"me\"\n"));
    fflush(stderr);
    cr_assert_stderr_eq_str("");
}

/* ---- lookups -------------------------------------------------------------- */

Test(slightfile, declares_and_find)
{
    struct sl_slightfile *sf = load_ok("specversion = \"0.2\"\n"
                                       "[[capability]]\nresource = \"keyvalue.redis\"\nname = "
                                       "\"a\"\n"
                                       "[[capability]]\nresource = \"keyvalue.memory\"\nname = "
                                       "\"keyvalue.memory\"\n"
                                       "[[capability]]\nresource = \"messaging.nats\"\nname = "
                                       "\"*\"\n"
                                       "[[capability]]\nresource = \"http\"\nname = \"srv\"\n");
    cr_assert(sl_slightfile_declares(sf, "keyvalue"));
    cr_assert(sl_slightfile_declares(sf, "messaging"));
    cr_assert(sl_slightfile_declares(sf, "http"));
    cr_assert_not(sl_slightfile_declares(sf, "http-client"));
    cr_assert_not(sl_slightfile_declares(sf, "sql"));
    cr_assert_not(sl_slightfile_declares(sf, NULL));
    cr_assert_not(sl_slightfile_declares(NULL, "keyvalue"));

    cr_assert_eq(sl_slightfile_find(sf, "keyvalue", "a", true), &sf->caps[0]);
    /* not found: the last keyvalue entry's resource string names an entry (rule 2) */
    cr_assert_eq(sl_slightfile_find(sf, "keyvalue", "zzz", true), &sf->caps[1]);
    cr_assert_null(sl_slightfile_find(sf, "keyvalue", "zzz", false));
    cr_assert_eq(sl_slightfile_find(sf, "messaging", "anything", false), &sf->caps[2]);
    cr_assert_null(sl_slightfile_find(sf, "sql", "x", true));
    cr_assert_null(sl_slightfile_find(sf, "http", "other", true));
    cr_assert_null(sl_slightfile_find(NULL, "http", "other", true));
    sl_slightfile_free(sf);

    /* Under v0.1 every name resolves to the type's last capability. */
    sf = load_ok("specversion = \"0.1\"\n[[capability]]\nname = \"kv.azblob\"\n"
                 "[[capability]]\nname = \"keyvalue.filesystem\"\n");
    cr_assert_eq(sl_slightfile_find(sf, "keyvalue", "my-store", true), &sf->caps[1]);
    cr_assert_eq(sl_slightfile_find(sf, "keyvalue", "kv.azblob", true), &sf->caps[0]);
    sl_slightfile_free(sf);
}

Test(slightfile, import_module_types)
{
    static const char *const map[][2] = {
        {"keyvalue", "keyvalue"},
        {"messaging", "messaging"},
        {"blob-store", "blob"},
        {"distributed-locking", "distributed_locking"},
        {"sql", "sql"},
        {"configs", "configs"},
        {"http-server", "http"},
        {"http-handler", "http"},
        {"http-client", "http-client"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(map); i++)
        cr_assert_str_eq(sl_slightfile_import_type(map[i][0]), map[i][1]);
    cr_assert_null(sl_slightfile_import_type("wasi_snapshot_preview1"));
    cr_assert_null(sl_slightfile_import_type("canonical_abi"));
    cr_assert_null(sl_slightfile_import_type("kv"));
    cr_assert_null(sl_slightfile_import_type(NULL));
}

/* ---- files, and failing allocations ------------------------------------- */

Test(slightfile, load_from_disk)
{
    char path[] = "/tmp/sl_slightfile_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *text = "specversion = \"0.2\"\n[[capability]]\nresource = \"kv.redis\"\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct sl_slightfile *sf = (void *)1;
    struct sl_error err = SL_ERROR_INIT;
    cr_assert_eq(sl_slightfile_load(path, &sf, &err), SL_ECONFIG);
    cr_assert_null(sf);
    char want[512];
    snprintf(want, sizeof(want),
             "%s:2: capability \"kv.redis\" has no name; write name = \"<a name>\" (or \"*\" for "
             "any name)",
             path);
    cr_assert_str_eq(err.msg, want);
    unlink(path);
    cr_assert_neq(sl_slightfile_load(path, &sf, &err), SL_OK);
    cr_assert_null(sf);
    cr_assert_not_null(strstr(err.msg, path), "%s", err.msg);
    sl_slightfile_free(NULL);
}

Test(slightfile, every_failing_allocation_is_reported)
{
    const char *text = "specversion = \"0.2\"\n"
                       "[[capability]]\nresource = \"kv.redis\"\nname = \"a\"\n"
                       "[capability.configs]\nX = \"1\"\nY = \"2\"\n"
                       "[[capability]]\nresource = \"http\"\nname = \"h\"\n"
                       "[[secret_settings]]\nname = \"s\"\nvalue = \"v\"\n"
                       "[limits]\ntimeout = \"1s\"\n";
    bool completed = false;
    for (unsigned long n = 1; n < 400 && !completed; n++) {
        struct sl_slightfile *sf = NULL;
        struct sl_error err = SL_ERROR_INIT;
        sl_mem_fail_after(n);
        sl_err rc = sl_slightfile_parse(NAME, text, strlen(text), &sf, &err);
        sl_mem_fail_after(0);
        if (rc == SL_OK)
            completed = true;
        else
            cr_assert_eq(rc, SL_ENOMEM, "allocation %lu: %s", n, err.msg);
        sl_slightfile_free(sf);
    }
    cr_assert(completed);
}

/* ---- ${store.key} ------------------------------------------------------- */

Test(slightfile, config_references)
{
    static const struct {
        const char *value;
        enum sl_slightfile_store store;
        const char *key;
    } ok[] = {
        {"${envvars.REDIS_ADDRESS}", SL_SLIGHTFILE_STORE_ENVVARS, "REDIS_ADDRESS"},
        {"${usersecrets.pw}", SL_SLIGHTFILE_STORE_USERSECRETS, "pw"},
        {"${azapp.a}", SL_SLIGHTFILE_STORE_AZAPP, "a"},
        {"${local.X}", SL_SLIGHTFILE_STORE_LOCAL, "X"},
        {"redis://${envvars.HOST}", SL_SLIGHTFILE_STORE_LOCAL, "redis://${envvars.HOST}"},
        {"${envvars.X} ", SL_SLIGHTFILE_STORE_LOCAL, "${envvars.X} "},
        {"${}", SL_SLIGHTFILE_STORE_LOCAL, "${}"},
        {"${envvars.A\n}", SL_SLIGHTFILE_STORE_LOCAL, "${envvars.A\n}"},
        {"plain", SL_SLIGHTFILE_STORE_LOCAL, "plain"},
        {"", SL_SLIGHTFILE_STORE_LOCAL, ""},
        {"${envvars.}x}", SL_SLIGHTFILE_STORE_ENVVARS, "}x"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(ok); i++) {
        struct sl_slightfile_ref ref;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_slightfile_ref_parse(ok[i].value, &ref, &err), SL_OK, "%s: %s", ok[i].value,
                     err.msg);
        cr_assert_eq(ref.store, ok[i].store, "%s", ok[i].value);
        cr_assert_eq(ref.key.len, strlen(ok[i].key), "%s", ok[i].value);
        cr_assert_eq(memcmp(ref.key.ptr, ok[i].key, ref.key.len), 0, "%s", ok[i].value);
    }
    static const struct {
        const char *value, *msg;
    } bad[] = {
        {"${X}", "invalid reference \"${X}\": expected ${store.key} with store envvars, "
                 "usersecrets, azapp or local, e.g. ${envvars.REDIS_ADDRESS}"},
        {"${.X}", "invalid reference \"${.X}\": expected ${store.key} with store envvars, "
                  "usersecrets, azapp or local, e.g. ${envvars.REDIS_ADDRESS}"},
        {"${envvars.}", "invalid reference \"${envvars.}\": expected ${store.key} with store "
                        "envvars, usersecrets, azapp or local, e.g. ${envvars.REDIS_ADDRESS}"},
        {"${foo.X}", "unknown config store \"foo\" in \"${foo.X}\"; known: envvars, usersecrets, "
                     "azapp, local"},
        {"${azapp.a.b}", "unknown config store \"azapp.a\" in \"${azapp.a.b}\"; known: envvars, "
                         "usersecrets, azapp, local"},
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(bad); i++) {
        struct sl_slightfile_ref ref;
        struct sl_error err = SL_ERROR_INIT;
        cr_assert_eq(sl_slightfile_ref_parse(bad[i].value, &ref, &err), SL_ECONFIG, "%s",
                     bad[i].value);
        cr_assert_str_eq(err.msg, bad[i].msg);
    }
    cr_assert_str_eq(sl_slightfile_store_name(SL_SLIGHTFILE_STORE_USERSECRETS), "usersecrets");
}

Test(slightfile, bad_reference_is_a_load_error)
{
    load_fails("specversion = \"0.2\"\n[[capability]]\nresource = \"kv.redis\"\nname = \"a\"\n"
               "[capability.configs]\nREDIS_ADDRESS = \"${env.REDIS}\"\n",
               NAME ":6: capability \"a\": config REDIS_ADDRESS: unknown config store \"env\" in "
                    "\"${env.REDIS}\"; known: envvars, usersecrets, azapp, local");
}

/* Inputs the fuzzer (tests/fuzz/fuzz_slightfile.c) found reaching undefined
 * behaviour inside toml++ 3.3's Unicode tables: a clean error, no crash. */
#define INPUT(s) {s, sizeof(s) - 1}
Test(slightfile, fuzz_findings_rejected_cleanly)
{
    static const struct {
        const char *text;
        size_t len;
    } inputs[] = {
        INPUT("specve\xef\xba\xbfrsion = \"0.1\"\"!p]ecversion = \"0.rs\xf6" "die.\x91\x9e"),
        INPUT("specve\xef\xbb\xba" "rsion = \"0.capaby]]specversn\nr\"="),
        INPUT("specversion = \"0.2\"\n[[\0\0\0Jpability]]\nre\x9e\x92 = \"x\"\n"),
        INPUT("a = \"\"\"x\\\n\xc3\xa9\"\"\"\nb \xef\xba\xbf= 1\n"),
    };
    for (size_t i = 0; i < SL_ARRAY_SIZE(inputs); i++) {
        struct sl_slightfile *sf = NULL;
        struct sl_error err = SL_ERROR_INIT;
        sl_err rc = sl_slightfile_parse(NAME, inputs[i].text, inputs[i].len, &sf, &err);
        cr_expect_neq(rc, SL_OK, "input %zu accepted", i);
        cr_expect_null(sf);
        cr_expect(strncmp(err.msg, NAME, strlen(NAME)) == 0, "input %zu: %s", i, err.msg);
    }
}
