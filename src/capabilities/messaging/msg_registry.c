/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_registry.c -- every messaging backend slight knows, in one table: the
 * built ones with their vtable or their module, the others with the library
 * they need, so that the answer is "not built in (needs libnats)" and not
 * "unknown".
 */
#include "sl_common.h"

#include "msg.h"

#include "capabilities/backend_module.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef SL_HAVE_MSG_REDIS
#define SL_HAVE_MSG_REDIS 0
#endif
#ifndef SL_HAVE_MSG_NATS
#define SL_HAVE_MSG_NATS 0
#endif
#ifndef SL_HAVE_MSG_KAFKA
#define SL_HAVE_MSG_KAFKA 0
#endif
#ifndef SL_HAVE_MSG_AMQP
#define SL_HAVE_MSG_AMQP 0
#endif
#ifndef SL_HAVE_MSG_AZSBUS
#define SL_HAVE_MSG_AZSBUS 0
#endif
#ifndef SL_HAVE_MSG_MOSQUITTO
#define SL_HAVE_MSG_MOSQUITTO 0
#endif

/*
 * Backends with heavy libraries live in modules (ARCHITECTURE "Start-up
 * cost"), loaded the first time a slightfile names one of them:
 * messaging.redis in slight-redis (hiredis), with keyvalue.redis;
 * messaging.nats in slight-nats (libnats); messaging.confluent_apache_kafka
 * in slight-kafka (librdkafka); messaging.azsbus in slight-cloud (libcurl);
 * messaging.amqp in slight-amqp (librabbitmq); messaging.mosquitto in
 * slight-mqtt (libmosquitto).
 */

#if SL_HAVE_MSG_REDIS
static struct sl_backend_module redis_module = SL_BACKEND_MODULE("redis");
/* Set only in a program that links msg_redis.c in (the tests): used instead of the module. */
extern const struct sl_msg_backend sl_msg_backend_redis __attribute__((weak));
#endif

#if SL_HAVE_MSG_NATS
/* messaging.nats in slight-nats (libnats); the weak symbol as for redis. */
static struct sl_backend_module nats_module = SL_BACKEND_MODULE("nats");
extern const struct sl_msg_backend sl_msg_backend_nats __attribute__((weak));
#endif

#if SL_HAVE_MSG_KAFKA
/* messaging.confluent_apache_kafka in slight-kafka (librdkafka); the weak symbol as for redis. */
static struct sl_backend_module kafka_module = SL_BACKEND_MODULE("kafka");
extern const struct sl_msg_backend sl_msg_backend_kafka __attribute__((weak));
#endif

#if SL_HAVE_MSG_AZSBUS
/* messaging.azsbus in slight-cloud (libcurl); the weak symbol as for redis. */
static struct sl_backend_module cloud_module = SL_BACKEND_MODULE("cloud");
extern const struct sl_msg_backend sl_msg_backend_azsbus __attribute__((weak));
#endif

#if SL_HAVE_MSG_AMQP
/* messaging.amqp in slight-amqp (librabbitmq); the weak symbol as for redis. */
static struct sl_backend_module amqp_module = SL_BACKEND_MODULE("amqp");
extern const struct sl_msg_backend sl_msg_backend_amqp __attribute__((weak));
#endif

#if SL_HAVE_MSG_MOSQUITTO
/* messaging.mosquitto in slight-mqtt (libmosquitto); the weak symbol as for redis. */
static struct sl_backend_module mqtt_module = SL_BACKEND_MODULE("mqtt");
extern const struct sl_msg_backend sl_msg_backend_mosquitto __attribute__((weak));
#endif

/* The backend sym of module m, loading it once; NULL with *needs saying why. */
SL_UNUSED static const struct sl_msg_backend *module_backend(struct sl_backend_module *m,
                                                 const char *sym, const char **needs)
{
    return sl_backend_module_find(m, sym, SL_MSG_BACKEND_V1, needs);
}

static const struct {
    const char *resource;
    const struct sl_msg_backend *backend; /* built into the core (or linked in) */
    const char *needs;                    /* not built: the missing library */
    struct sl_backend_module *module; /* else: in this module, as symbol sym */
    const char *sym;
} registry[] = {
    {"messaging.filesystem", &sl_msg_backend_filesystem, NULL, NULL, NULL},
    {"messaging.memory", &sl_msg_backend_memory, NULL, NULL, NULL},
#if SL_HAVE_MSG_MOSQUITTO
    {"messaging.mosquitto", &sl_msg_backend_mosquitto, NULL, &mqtt_module,
     "sl_msg_backend_mosquitto"},
#else
    {"messaging.mosquitto", NULL, "libmosquitto", NULL, NULL},
#endif
#if SL_HAVE_MSG_NATS
    {"messaging.nats", &sl_msg_backend_nats, NULL, &nats_module, "sl_msg_backend_nats"},
#else
    {"messaging.nats", NULL, "libnats", NULL, NULL},
#endif
#if SL_HAVE_MSG_REDIS
    {"messaging.redis", &sl_msg_backend_redis, NULL, &redis_module, "sl_msg_backend_redis"},
#else
    {"messaging.redis", NULL, "hiredis", NULL, NULL},
#endif
#if SL_HAVE_MSG_AMQP
    {"messaging.amqp", &sl_msg_backend_amqp, NULL, &amqp_module, "sl_msg_backend_amqp"},
#else
    {"messaging.amqp", NULL, "librabbitmq", NULL, NULL},
#endif
#if SL_HAVE_MSG_KAFKA
    {"messaging.confluent_apache_kafka", &sl_msg_backend_kafka, NULL, &kafka_module,
     "sl_msg_backend_kafka"},
#else
    {"messaging.confluent_apache_kafka", NULL, "librdkafka", NULL, NULL},
#endif
#if SL_HAVE_MSG_AZSBUS
    {"messaging.azsbus", &sl_msg_backend_azsbus, NULL, &cloud_module, "sl_msg_backend_azsbus"},
#else
    {"messaging.azsbus", NULL, "libcurl and cJSON", NULL, NULL},
#endif
};

static pthread_mutex_t resolved_lock = PTHREAD_MUTEX_INITIALIZER;

/* Backends resolved so far (for shutdown), under resolved_lock. */
static const struct sl_msg_backend *resolved[SL_ARRAY_SIZE(registry)];

static const char *backend_of(size_t i)
{
    return registry[i].resource + sizeof("messaging.") - 1;
}

/* The backend of row i, or NULL with *needs set (a module backend loads here). */
static const struct sl_msg_backend *row_backend(size_t i, const char **needs)
{
    *needs = registry[i].needs;
    const struct sl_msg_backend *b = registry[i].backend;
    if (b == NULL && registry[i].module != NULL)
        b = module_backend(registry[i].module, registry[i].sym, needs);
    if (b != NULL) {
        pthread_mutex_lock(&resolved_lock);
        resolved[i] = b;
        pthread_mutex_unlock(&resolved_lock);
    }
    return b;
}

const struct sl_msg_backend *sl_msg_registry_find(const char *name, const char **needs)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (strcmp(backend_of(i), name) == 0) {
            const char *missing = NULL;
            const struct sl_msg_backend *b = row_backend(i, &missing);
            if (needs != NULL)
                *needs = missing;
            return b;
        }
    if (needs != NULL)
        *needs = NULL;
    return NULL;
}

void sl_msg_registry_shutdown(void)
{
    /* the built-in backends, and those of the modules that were loaded */
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++) {
        pthread_mutex_lock(&resolved_lock);
        const struct sl_msg_backend *b = registry[i].backend ? registry[i].backend : resolved[i];
        pthread_mutex_unlock(&resolved_lock);
        if (b != NULL && b->shutdown != NULL)
            b->shutdown();
    }
}

const struct sl_cap_backend_info *sl_msg_backend_info(const char *backend)
{
    static struct sl_cap_backend_info infos[SL_ARRAY_SIZE(registry)];
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++) {
        if (strcmp(backend_of(i), backend) != 0)
            continue;
        /* filled on use: called at start-up, before any other thread runs */
        const char *missing = NULL;
        const struct sl_msg_backend *b = row_backend(i, &missing);
        infos[i].resource = registry[i].resource;
        infos[i].config_keys = b ? b->config_keys : NULL;
        infos[i].missing = b ? NULL : missing;
        return &infos[i];
    }
    return NULL;
}
