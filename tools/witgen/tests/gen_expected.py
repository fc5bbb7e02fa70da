#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the expected `witgen dump` listings of the wit/ files from the
reference ABI model (slight_abi.py + abi.py, SLIGHT-SPEC §6). The flat
signatures, return areas, sizes, offsets and case names come from the model;
this file only says which items each WIT file holds and in which order.
Usage: gen_expected.py REFERENCE_DIR OUT_DIR
"""
import contextlib
import io
import os
import sys

ref_dir, out_dir = sys.argv[1], sys.argv[2]
sys.path.insert(0, ref_dir)
with contextlib.redirect_stdout(io.StringIO()):
    import slight_abi as R  # noqa: E402  (prints its table on import)
from abi import sa, sig, flat, payload_off, field_offsets  # noqa: E402

S = 'string'
U = ('list', 'u8')
NAMES = {id(R.method): 'method', id(R.data_type): 'data-type'}
PRIMS = {'f64': 'float64', 'f32': 'float32'}


def tstr(t):
    if id(t) in NAMES:
        return NAMES[id(t)]
    if isinstance(t, str):
        return PRIMS.get(t, t)
    k = t[0]
    if k == 'handle':
        return 'handle<%s>' % t[1]
    if k in ('list', 'option'):
        return '%s<%s>' % (k, tstr(t[1]))
    if k == 'expected':
        return 'expected<%s, %s>' % (tstr(t[1]), tstr(t[2]))
    if k == 'tuple':
        return 'tuple<%s>' % ', '.join(tstr(x) for x in t[1])
    raise ValueError(t)


def fmt(p):
    return '(' + ', '.join(p) + ')'


def type_line(name, kind, t):
    s, a = sa(t)
    line = 'type %s %s size=%d align=%d' % (name, kind, s, a)
    if kind == 'alias':
        return line + ' = ' + tstr(t)
    if kind == 'record':
        offs = field_offsets([f[1] for f in t[1]])
        return line + ' fields=' + ','.join(
            '%s@%d:%s' % (f[0], o, tstr(f[1])) for f, o in zip(t[1], offs))
    if kind == 'variant':
        cases = ','.join(n if c == 'unit' else '%s(%s)' % (n, tstr(c)) for n, c in t[1])
        return line + ' payload=%d cases=%s' % (payload_off(t), cases)
    if kind == 'enum':
        return line + ' cases=' + ','.join(t[1])
    raise ValueError(kind)


def import_line(mod, field):
    name, ps, r = next(f for f in R.funcs[mod] if f[0] == field)
    p, res, ret, ind = sig(ps, r)
    if '::' not in field:
        kind = 'free'
    elif ps and isinstance(ps[0], tuple) and ps[0][0] == 'handle':
        kind = 'method'
    else:
        kind = 'static'
    line = 'import %s %s %s %s -> %s' % (mod, field, kind, fmt(p), fmt(res))
    if ind:
        line += ' params=indirect'
    if ret:
        line += ' retarea=%d/%d' % sa(r)
    return line


def export_line(index, field):
    _, ps, r = R.exports[index]
    p = sum([flat(x) for x in ps], [])
    res = flat(r)
    line = 'export %s free ' % field
    ind = len(p) > 16
    if ind:
        p = ['i32']
    line += fmt(p) + ' -> '
    if len(res) > 1:
        line += '(i32)' + (' params=indirect' if ind else '') + ' retarea=%d/%d' % sa(r)
    else:
        line += fmt(res) + (' params=indirect' if ind else '')
    return line


def resource(name):
    return 'resource %s drop=canonical_abi.resource_drop_%s (i32) -> ()' % (name, name)


headers = R.headers
FILES = {
    'keyvalue': [resource('keyvalue')] + [import_line('keyvalue', 'keyvalue::' + f)
                                          for f in ('open', 'get', 'set', 'keys', 'delete')]
    + [type_line('keyvalue-error', 'variant', R.kv_err)],
    'configs': [resource('configs')] + [import_line('configs', 'configs::' + f)
                                        for f in ('open', 'get', 'set')]
    + [type_line('configs-error', 'variant', R.cfg_err)],
    'distributed-locking': [resource('distributed-locking')]
    + [import_line('distributed-locking', 'distributed-locking::' + f)
       for f in ('open', 'lock', 'lock-with-time-to-live', 'unlock')]
    + [type_line('distributed-locking-error', 'variant', R.dl_err)],
    'messaging': [type_line('messaging-error', 'variant', R.msg_err), resource('pub'),
                  import_line('messaging', 'pub::open'), import_line('messaging', 'pub::publish'),
                  type_line('subscription-token', 'alias', S), resource('sub'),
                  import_line('messaging', 'sub::open'), import_line('messaging', 'sub::subscribe'),
                  import_line('messaging', 'sub::receive')],
    'sql': [resource('sql'), import_line('sql', 'sql::open'), import_line('sql', 'sql::query'),
            import_line('sql', 'sql::exec'), resource('statement'),
            import_line('sql', 'statement::prepare'),
            type_line('row-item', 'record', R.row_item),
            type_line('data-type', 'variant', R.data_type),
            type_line('sql-error', 'variant', R.sql_err)],
    'blob-types': [type_line('container-name', 'alias', S), type_line('object-name', 'alias', S),
                   type_line('timestamp', 'alias', 'u64'),
                   type_line('container-metadata', 'record', R.cmeta),
                   type_line('object-metadata', 'record', R.ometa),
                   type_line('object-id', 'record', ('record', [('container', S),
                                                                ('object', S)]))],
    'blob-store': ['use blob-types container-metadata object-name object-metadata object-id',
                   resource('container')]
    + [import_line('blob-store', 'container::' + f) for f in
       ('open', 'name', 'info', 'read-object', 'write-object', 'list-objects', 'delete-object',
        'delete-objects', 'has-object', 'object-info', 'clear')]
    + [resource('write-stream'), import_line('blob-store', 'write-stream::write'),
       import_line('blob-store', 'write-stream::close'), resource('read-stream'),
       import_line('blob-store', 'read-stream::read'),
       import_line('blob-store', 'read-stream::available'),
       type_line('error', 'variant', R.blob_err)],
    'http-types': [type_line('http-status', 'alias', 'u16'), type_line('body', 'alias', U),
                   type_line('headers', 'alias', headers), type_line('params', 'alias', headers),
                   type_line('uri', 'alias', S), type_line('method', 'enum', R.method),
                   type_line('request', 'record', R.request),
                   type_line('response', 'record', R.response),
                   type_line('http-error', 'variant', R.http_err),
                   type_line('http-router-error', 'variant', R.router_err)],
    'http-client': ['use http-types request response http-error',
                    import_line('http-client', 'request')],
    'http-server': ['use http-types uri http-status http-router-error', resource('router')]
    + [import_line('http-server', 'router::' + f) for f in
       ('new', 'new-with-base', 'get', 'put', 'post', 'delete')]
    + [resource('server'), import_line('http-server', 'server::serve'),
       import_line('http-server', 'server::stop')],
    'http-handler.export': ['use http-types request response http-error',
                            export_line(0, 'handle-http')],
    'http-server-export.export': [export_line(1, 'on-server-init')],
}

# shapes-types.wit and shapes.wit: every shape, in the model's terms. The model
# has no flags or union: flags of up to 8 names are laid out and flattened as a
# u8, 40 flags as two u32 words, and a union as a variant whose cases are types.
point = ('record', [('x', 'f32'), ('y', 'f64'), ('c', 'char')])
color = ('enum', ['red', 'green', 'blue'])
perms = 'u8'
many = ('tuple', ['u32', 'u32'])
num = ('variant', [('u8', 'u8'), ('u64', 'u64'), ('float32', 'f32')])
blob = ('handle', 'blob')
nested = ('variant', [('a', ('option', ('expected', 'u8', 'u64'))), ('b', ('tuple', ['u8', 'f32'])),
                      ('c', ('list', point)), ('d', 'unit'), ('e', blob), ('f', 'f64')])
mixed = ('record', [('a', 'u8'), ('b', 'u64'), ('c', 'u16'), ('d', nested),
                    ('e', ('option', 's8')), ('h', blob)])
NAMES.update({id(point): 'point', id(color): 'color', id(nested): 'nested', id(mixed): 'mixed'})
many_names = ['f%d' % i for i in range(40)]
R.funcs['shapes'] = [
    ('blob::make', [point], blob), ('blob::size', [blob], 'u64'),
    ('blob::tint', [blob, color, perms], many),
    ('blob::read', [blob, 'u32'], ('expected', ('option', U), S)),
    ('many-params', ['u64'] * 17, 'u8'),
    ('sixteen', [('tuple', ['u32'] * 8), ('tuple', ['s8'] * 7 + ['s16'])], 'unit'),
    ('flat-join', [nested], 'f32'), ('unit-result', [('expected', 'unit', S)], 'unit'),
    ('pair', [], ('tuple', ['s32', 's64'])),
    ('take-mixed', [mixed, num], ('expected', mixed, nested)),
    ('chars', ['char', 'bool', 's16'], 'char'),
]
FILES['shapes-types'] = [
    type_line('list-of-u8', 'alias', U), type_line('point', 'record', point),
    type_line('color', 'enum', color),
    'type perms flags size=%d align=%d flags=read,write,exec' % sa(perms),
    'type many flags size=%d align=%d flags=%s' % (sa(many) + (','.join(many_names),)),
    'type num union size=%d align=%d payload=%d cases=u8,u64,float32'
    % (sa(num) + (payload_off(num),)),
]
FILES['shapes'] = ['use shapes-types *', 'use shapes-types point as pt', resource('blob')] + [
    import_line('shapes', 'blob::' + f) for f in ('make', 'size', 'tint', 'read')] + [
    type_line('nested', 'variant', nested), type_line('mixed', 'record', mixed)] + [
    import_line('shapes', f) for f in ('many-params', 'sixteen', 'flat-join', 'unit-result',
                                       'pair', 'take-mixed', 'chars')]

os.makedirs(out_dir, exist_ok=True)
for stem, lines in FILES.items():
    iface = stem.split('.')[0]
    with open(os.path.join(out_dir, stem + '.dump'), 'w') as f:
        f.write('interface %s\n' % iface + ''.join(line + '\n' for line in lines))
