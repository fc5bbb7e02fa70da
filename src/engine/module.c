/* SPDX-License-Identifier: Apache-2.0 */
/*
 * module.c -- loading a guest module (reader, feature check, link check,
 * AOT) and running its instances. Each step fails with one message.
 */
#include "sl_common.h"

#include "module.h"
#include "common/fs.h"
#include "common/hash.h"
#include "common/log.h"
#include "common/mem.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>

static sl_err fill_slots(struct sl_module *m, const struct sl_guest_desc *d,
                         const struct sl_link_providers *p, struct sl_error *err)
{
    if (d->abi_version != SL_GUEST_ABI_VERSION)
        return sl_error_set(err, SL_ECOMPILE, "%s: compiled code has ABI %u, expected %u",
                            m->filename, d->abi_version, SL_GUEST_ABI_VERSION);
    for (uint32_t i = 0; i < d->nimports; i++) {
        const struct sl_host_fn *f = sl_link_find(p, d->imports[i].module, d->imports[i].name);
        if (f == NULL || strcmp(f->sig, d->imports[i].sig) != 0)
            return sl_error_set(err, SL_ELINK, "%s: import '%s' '%s' is not provided",
                                m->filename, d->imports[i].module, d->imports[i].name);
        d->slots[i] = f->fn;
    }
    return SL_OK;
}

sl_err sl_module_load(const char *path, const struct sl_aot_opts *opts,
                      const struct sl_link_providers *providers, struct sl_module **out,
                      struct sl_error *err)
{
    *out = NULL;
    sl_err rc = sl_rt_thread_init(err);
    if (rc != SL_OK)
        return rc;
    struct sl_module *m = sl_calloc(1, sizeof(*m));
    if (m == NULL || (m->filename = sl_strdup(path)) == NULL) {
        sl_free(m);
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    struct stat st;
    bool is_module_file = true, known = false;
    char known_key[SL_SHA256_HEX_LEN + 1];
    const uint8_t *bytes = NULL;
    rc = sl_fs_read_file_stat(path, &m->file, &st, err);
    if (rc != SL_OK) {
        rc = sl_error_recode(err, SL_EMODULE);
        goto fail;
    }
    m->wasm = (const uint8_t *)m->file.data;
    m->wasm_len = m->file.len;
    if (m->wasm != NULL && sl_aot_is_artifact(m->wasm, m->wasm_len)) {
        is_module_file = false;
        rc = sl_aot_open_artifact((const uint8_t *)m->file.data, m->file.len, path, opts,
                                  &m->wasm, &m->wasm_len, err);
        if (rc != SL_OK)
            goto fail;
    }
    /* a module file read and accepted before (same identity): its bodies are not scanned again */
    known = is_module_file && sl_aot_known_module(opts, &st, known_key);
    bytes = m->wasm ? m->wasm : (const uint8_t *)"";
    rc = known ? sl_wasm_read_known(bytes, m->wasm_len, path, &m->info, err)
               : sl_wasm_read(bytes, m->wasm_len, path, &m->info, err);
    if (rc == SL_OK)
        rc = sl_wasm_check_features(&m->info, path, err);
    if (rc == SL_OK)
        rc = sl_link_check(&m->info, path, providers, err);
    if (rc == SL_OK)
        rc = sl_aot_load(m->wasm, m->wasm_len, path, is_module_file ? &st : NULL,
                         known ? known_key : NULL, &m->info, opts, &m->code, err);
    if (rc != SL_OK)
        goto fail;
    m->desc = m->code.desc;
    m->providers = *providers;
    if (opts != NULL)
        m->opts = *opts;
    rc = fill_slots(m, m->desc, providers, err);
    if (rc != SL_OK)
        goto fail;
    m->desc->init_module();
    sl_log_debug("%s: loaded (%s tier, key %.16s)", path,
                 m->code.tier == SL_TIER_OPTIMIZED ? "optimized" : "baseline", m->code.key);
    *out = m;
    return SL_OK;
fail:
    sl_module_free(m);
    return rc;
}

sl_err sl_module_upgrade(struct sl_module *m, bool *upgraded, struct sl_error *err)
{
    *upgraded = false;
    if (m->code.tier == SL_TIER_OPTIMIZED)
        return SL_OK;
    struct sl_aot_opts o = m->opts;
    struct sl_aot_code code;
    o.tier = SL_TIER_OPTIMIZED;
    if (sl_aot_load_cached(m->wasm, m->wasm_len, m->filename, &o, &code) != SL_OK)
        return SL_OK; /* not ready yet */
    sl_err rc = fill_slots(m, code.desc, &m->providers, err);
    struct sl_aot_code *r = rc == SL_OK ? sl_reallocarray(m->retired, m->nretired + 1,
                                                         sizeof(*r)) : NULL;
    if (r == NULL) {
        sl_aot_unload(&code);
        return rc != SL_OK ? rc : sl_error_set(err, SL_ENOMEM, "out of memory");
    }
    code.desc->init_module();
    m->retired = r;
    r[m->nretired++] = m->code;
    m->code = code;
    __atomic_store_n(&m->desc, code.desc, __ATOMIC_RELEASE);
    sl_log_debug("%s: new instances use the optimized tier", m->filename);
    *upgraded = true;
    return SL_OK;
}

void sl_module_free(struct sl_module *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nretired; i++)
        sl_aot_unload(&m->retired[i]);
    sl_free(m->retired);
    sl_aot_unload(&m->code);
    sl_wasm_module_release(&m->info);
    sl_buf_release(&m->file);
    sl_free(m->filename);
    sl_free(m);
}

/* Runs the glue's instantiate under a trap target (args carry desc and ctx). */
static void do_instantiate(void *w2c, const uint64_t *args, uint64_t *results)
{
    const struct sl_guest_desc *d = (const struct sl_guest_desc *)(uintptr_t)args[0];
    (void)results;
    d->instantiate(w2c, (void *)(uintptr_t)args[1]);
}

sl_err sl_module_instantiate(struct sl_module *m, struct sl_instance *inst,
                             uint32_t memory_limit_pages, struct sl_rt_result *res,
                             struct sl_error *err)
{
    const struct sl_guest_desc *d = __atomic_load_n(&m->desc, __ATOMIC_ACQUIRE);
    inst->module = m;
    inst->desc = d;
    inst->w2c = sl_calloc(1, d->instance_size);
    if (inst->w2c == NULL)
        return sl_error_set(err, SL_ENOMEM, "out of memory");
    uint64_t args[2] = {(uint64_t)(uintptr_t)d, (uint64_t)(uintptr_t)inst};
    sl_rt_set_memory_limit(memory_limit_pages);
    inst->current_export = "(instantiation)";
    /* Bound before the start function runs (WASI calls need it); filled in by instantiate. */
    inst->memory = d->memory ? d->memory(inst->w2c) : NULL;
    sl_rt_call(inst, d, do_instantiate, inst->w2c, args, NULL, res);
    if (res->outcome == SL_RT_RETURNED) {
        const struct sl_guest_export *init = sl_module_export(m, "_initialize");
        if (init != NULL && strcmp(init->sig, ":") == 0)
            sl_module_call(inst, init, NULL, NULL, res);
    }
    if (res->outcome == SL_RT_TRAPPED)
        return sl_error_set(err, SL_ETRAP, "%s: trap in %s: %s", m->filename,
                            inst->current_export, res->message);
    if (res->outcome == SL_RT_EXITED)
        return sl_error_set(err, SL_EEXIT, "%s: exited during initialization", m->filename);
    return SL_OK;
}

void sl_module_release_instance(struct sl_module *m, struct sl_instance *inst)
{
    if (inst->w2c != NULL)
        (inst->desc ? inst->desc : m->desc)->free(inst->w2c);
    sl_free(inst->w2c);
    inst->w2c = NULL;
    inst->memory = NULL;
}

static const struct sl_guest_export *find_export(const struct sl_guest_desc *d, const char *name)
{
    for (uint32_t i = 0; i < d->nexports; i++)
        if (strcmp(d->exports[i].name, name) == 0)
            return &d->exports[i];
    return NULL;
}

const struct sl_guest_export *sl_module_export(const struct sl_module *m, const char *name)
{
    return find_export(__atomic_load_n(&m->desc, __ATOMIC_ACQUIRE), name);
}

void sl_module_call(struct sl_instance *inst, const struct sl_guest_export *exp,
                    const uint64_t *args, uint64_t *results, struct sl_rt_result *res)
{
    const char *saved = inst->current_export;
    const struct sl_guest_desc *d = inst->desc;
    /* An export of the other tier: use this instance's own code. */
    if (exp < d->exports || exp >= d->exports + d->nexports) {
        const struct sl_guest_export *own = find_export(d, exp->name);
        if (own == NULL)
            SL_BUG("export '%s' missing from the instance's code", exp->name);
        exp = own;
    }
    inst->current_export = exp->name;
    sl_rt_call(inst, d, exp->invoke, inst->w2c, args, results, res);
    if (res->outcome == SL_RT_RETURNED)
        inst->current_export = saved;
}
