// SPDX-License-Identifier: Apache-2.0
//
// toml_bridge.cc -- the one C++ file of slight: runs toml++ on a buffer and
// copies the result into the C tree of toml.h. No C++ exception or type
// leaves this file; lookups, freeing and formatting live in toml_tree.c.
//
extern "C" {
#include "sl_common.h"

#include "toml.h"

#include "common/err.h"
#include "common/mem.h"
}

#include <algorithm>
#include <cstring>
#include <exception>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

namespace
{

void set_pos(sl_toml_value *out, const toml::source_region &src)
{
    out->line = static_cast<uint32_t>(src.begin.line);
    out->column = static_cast<uint32_t>(src.begin.column);
}

bool copy_bytes(std::string_view s, char **ptr, size_t *len)
{
    char *p = static_cast<char *>(sl_malloc(s.size() + 1));
    if (p == nullptr)
        return false;
    if (!s.empty())
        std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *ptr = p;
    *len = s.size();
    return true;
}

void copy_date(sl_toml_datetime *dt, const toml::date &d)
{
    dt->year = d.year;
    dt->month = d.month;
    dt->day = d.day;
}

void copy_time(sl_toml_datetime *dt, const toml::time &t)
{
    dt->hour = t.hour;
    dt->minute = t.minute;
    dt->second = t.second;
    dt->nanosecond = t.nanosecond;
}

bool convert(const toml::node &node, sl_toml_value *out);

bool convert_table(const toml::table &tbl, sl_toml_value *out)
{
    out->kind = SL_TOML_TABLE;
    // toml++ keeps keys sorted; slightfile order matters, so sort by where each key was written.
    std::vector<std::pair<const toml::key *, const toml::node *>> kv;
    kv.reserve(tbl.size());
    for (auto &&[k, v] : tbl)
        kv.emplace_back(&k, &v);
    std::stable_sort(kv.begin(), kv.end(), [](const auto &a, const auto &b) {
        const auto &pa = a.first->source().begin;
        const auto &pb = b.first->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
    });
    if (kv.empty())
        return true;
    auto *items = static_cast<sl_toml_entry *>(sl_calloc(kv.size(), sizeof(sl_toml_entry)));
    if (items == nullptr)
        return false;
    out->u.table.items = items;
    out->u.table.len = kv.size();
    for (size_t i = 0; i < kv.size(); i++) {
        const toml::key &k = *kv[i].first;
        items[i].line = static_cast<uint32_t>(k.source().begin.line);
        items[i].column = static_cast<uint32_t>(k.source().begin.column);
        if (!copy_bytes(k.str(), &items[i].key, &items[i].key_len))
            return false;
        if (!convert(*kv[i].second, &items[i].value))
            return false;
    }
    return true;
}

bool convert_array(const toml::array &arr, sl_toml_value *out)
{
    out->kind = SL_TOML_ARRAY;
    if (arr.empty())
        return true;
    auto *items = static_cast<sl_toml_value *>(sl_calloc(arr.size(), sizeof(sl_toml_value)));
    if (items == nullptr)
        return false;
    out->u.array.items = items;
    out->u.array.len = arr.size();
    for (size_t i = 0; i < arr.size(); i++)
        if (!convert(arr[i], &items[i]))
            return false;
    return true;
}

// On false the partly built subtree is still well formed (zeroed slots), so
// sl_toml_free() on the root releases it.
bool convert(const toml::node &node, sl_toml_value *out)
{
    set_pos(out, node.source());
    switch (node.type()) {
    case toml::node_type::table:
        return convert_table(*node.as_table(), out);
    case toml::node_type::array:
        return convert_array(*node.as_array(), out);
    case toml::node_type::string:
        out->kind = SL_TOML_STRING;
        return copy_bytes(node.as_string()->get(), &out->u.str.ptr, &out->u.str.len);
    case toml::node_type::integer:
        out->kind = SL_TOML_INTEGER;
        out->u.integer = node.as_integer()->get();
        return true;
    case toml::node_type::floating_point:
        out->kind = SL_TOML_FLOAT;
        out->u.flt = node.as_floating_point()->get();
        return true;
    case toml::node_type::boolean:
        out->kind = SL_TOML_BOOL;
        out->u.boolean = node.as_boolean()->get();
        return true;
    case toml::node_type::date:
        out->kind = SL_TOML_DATE_LOCAL;
        copy_date(&out->u.dt, node.as_date()->get());
        return true;
    case toml::node_type::time:
        out->kind = SL_TOML_TIME_LOCAL;
        copy_time(&out->u.dt, node.as_time()->get());
        return true;
    case toml::node_type::date_time: {
        const toml::date_time &dt = node.as_date_time()->get();
        copy_date(&out->u.dt, dt.date);
        copy_time(&out->u.dt, dt.time);
        if (dt.offset) {
            out->kind = SL_TOML_DATETIME;
            out->u.dt.offset_minutes = dt.offset->minutes;
        } else {
            out->kind = SL_TOML_DATETIME_LOCAL;
        }
        return true;
    }
    case toml::node_type::none:
        break;
    }
    return false;
}

} // namespace

extern "C" sl_err sl_toml_parse(const char *data, size_t len, const char *name, sl_toml_value **out,
                                sl_error *err)
{
    *out = nullptr;
    if (name == nullptr)
        name = "<string>";
    sl_toml_value *root = nullptr;
    try {
        toml::table tbl =
            toml::parse(std::string_view(data ? data : "", data ? len : 0), std::string_view(name));
        root = static_cast<sl_toml_value *>(sl_calloc(1, sizeof(*root)));
        if (root == nullptr)
            return sl_error_set(err, SL_ENOMEM, "%s: out of memory", name);
        if (!convert(tbl, root)) {
            sl_toml_free(root);
            return sl_error_set(err, SL_ENOMEM, "%s: out of memory", name);
        }
        // The root table has no position of its own in the source.
        root->line = 1;
        root->column = 1;
        *out = root;
        return SL_OK;
    } catch (const toml::parse_error &e) {
        sl_toml_free(root);
        const auto &pos = e.source().begin;
        std::string_view desc = e.description();
        return sl_error_set(err, SL_EINVAL, "%s:%u:%u: %.*s", name, (unsigned)pos.line,
                            (unsigned)pos.column, (int)desc.size(), desc.data());
    } catch (const std::bad_alloc &) {
        sl_toml_free(root);
        return sl_error_set(err, SL_ENOMEM, "%s: out of memory", name);
    } catch (...) {
        sl_toml_free(root);
        return sl_error_set(err, SL_EINTERNAL, "%s: unexpected failure in the TOML parser", name);
    }
}
