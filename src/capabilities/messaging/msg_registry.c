/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msg_registry.c -- every messaging backend slight knows, in one table: the
 * built ones with their vtable, the others with the library they need, so
 * that the answer is "not built in (needs libnats)" and not "unknown".
 */
#include "sl_common.h"

#include "msg.h"

#include <string.h>

static const struct {
    const char *resource;
    const struct sl_msg_backend *backend; /* NULL: not built in */
    const char *needs;
} registry[] = {
    {"messaging.filesystem", &sl_msg_backend_filesystem, NULL},
    {"messaging.memory", &sl_msg_backend_memory, NULL},
    {"messaging.mosquitto", NULL, "libmosquitto; coming in a later release"},
    {"messaging.nats", NULL, "libnats; coming in a later release"},
    {"messaging.redis", NULL, "hiredis; coming in a later release"},
    {"messaging.amqp", NULL, "librabbitmq; coming in a later release"},
    {"messaging.confluent_apache_kafka", NULL, "librdkafka; coming in a later release"},
    {"messaging.azsbus", NULL, "libcurl; coming in a later release"},
};

static const char *backend_of(size_t i)
{
    return registry[i].resource + sizeof("messaging.") - 1;
}

const struct sl_msg_backend *sl_msg_registry_find(const char *name, const char **needs)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (strcmp(backend_of(i), name) == 0) {
            if (needs != NULL)
                *needs = registry[i].needs;
            return registry[i].backend;
        }
    if (needs != NULL)
        *needs = NULL;
    return NULL;
}

void sl_msg_registry_shutdown(void)
{
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++)
        if (registry[i].backend != NULL && registry[i].backend->shutdown != NULL)
            registry[i].backend->shutdown();
}

const struct sl_cap_backend_info *sl_msg_backend_info(const char *backend)
{
    static struct sl_cap_backend_info infos[SL_ARRAY_SIZE(registry)];
    for (size_t i = 0; i < SL_ARRAY_SIZE(registry); i++) {
        if (strcmp(backend_of(i), backend) != 0)
            continue;
        /* filled on use: called at start-up, before any other thread runs */
        infos[i].resource = registry[i].resource;
        infos[i].config_keys = registry[i].backend ? registry[i].backend->config_keys : NULL;
        infos[i].missing = registry[i].backend ? NULL : registry[i].needs;
        return &infos[i];
    }
    return NULL;
}
