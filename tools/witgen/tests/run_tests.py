#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""witgen tests, printed as TAP:
  golden      `witgen dump` of every wit/ file (and the shapes*.wit files) equals
              expected/<stem>.dump (or <stem>.export.dump, dumped with --export)
  malformed   every bad/NAME.wit with a bad/NAME.err gives exactly that
              message on stderr, nothing on stdout, exit status 1
  truncation  every prefix of every wit/ and shapes*.wit file (checked alone
              and through the files using it) is accepted or rejected with one
              "file:line:col: ..." line and status 1, never a crash
  mutation    the same for 200 copies of each file with 1-3 bytes replaced
              (fixed seed, so failures reproduce), dumped as well as checked
  usage       bad command lines exit 2, unreadable files exit 1
  limits      generated inputs at the parser's and resolver's limits
  torture     every allocation of a dump failing in turn (WITGEN_FAIL_ALLOC)
Usage: run_tests.py WITGEN WIT_DIR TESTS_DIR [golden|robustness]
(golden runs golden, malformed and usage; robustness runs truncation and
mutation; without the argument everything runs)
"""
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

WITGEN, WIT_DIR, TESTS = (os.path.abspath(a) for a in sys.argv[1:4])
MODE = sys.argv[4] if len(sys.argv) > 4 else 'all'
results = []


def run(args, cwd=None, env=None):
    p = subprocess.run([WITGEN, *args], cwd=cwd, env=env, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def check(name, problem):
    results.append((name, problem))


def golden(path, stem):
    exp_dir = os.path.join(TESTS, 'expected')
    plain = os.path.join(exp_dir, stem + '.dump')
    export = os.path.join(exp_dir, stem + '.export.dump')
    if os.path.exists(export):
        exp, args = export, ['dump', '--export', path]
    elif os.path.exists(plain):
        exp, args = plain, ['dump', path]
    else:
        return 'no expected listing for %s' % stem
    rc, out, err = run(args)
    if rc != 0:
        return 'exit status %d: %s' % (rc, err.strip())
    want = open(exp).read()
    if out != want:
        return 'listing differs\n--- got\n%s--- expected\n%s' % (out, want)
    return None


wit_files = sorted(f for f in os.listdir(WIT_DIR) if f.endswith('.wit'))
if MODE in ('all', 'golden'):
    for f in wit_files:
        check('golden %s' % f, golden(os.path.join(WIT_DIR, f), f[:-4]))
    for stem in ('shapes-types', 'shapes'):
        check('golden %s.wit' % stem, golden(os.path.join(TESTS, stem + '.wit'), stem))
    stems = {f[:-4] for f in wit_files} | {'shapes-types', 'shapes'}
    for e in sorted(os.listdir(os.path.join(TESTS, 'expected'))):
        if os.path.isdir(os.path.join(TESTS, 'expected', e)):
            continue  # expected/guest: the guest bindings (guest_tests.py)
        stem = e.split('.')[0]
        if stem not in stems:
            check('expected/%s has a WIT file' % e, 'no WIT file for it')

    rc, out, err = run(['check'] + [os.path.join(WIT_DIR, f) for f in wit_files])
    check('check every wit/ file', None if rc == 0 and out == '' and err == '' else
          'exit status %d, stdout %r, stderr %r' % (rc, out, err))

    bad_dir = os.path.join(TESTS, 'bad')
    for e in sorted(f for f in os.listdir(bad_dir) if f.endswith('.err')):
        name = e[:-4]
        want = open(os.path.join(bad_dir, e)).read()
        rc, out, err = run(['check', 'bad/%s.wit' % name], cwd=TESTS)
        problem = None
        if rc != 1 or out != '' or err != want:
            problem = 'exit status %d, stdout %r\n got: %r\nwant: %r' % (rc, out, err, want)
        check('malformed %s' % name, problem)

one_error = re.compile(r'^[^\n]+:\d+:\d+: [^\n]+\n$')


def users_of(src_dir, files):
    """Which files use which: a damaged file is also checked through its users."""
    users = {}
    for f in files:
        for m in re.finditer(r'from\s+([A-Za-z0-9_-]+)', open(os.path.join(src_dir, f)).read()):
            users.setdefault(m.group(1) + '.wit', []).append(f)
    return users


def survives(scratch, f, users, data, dump=False):
    """Writes data as f and checks it and its users (and dumps f when asked);
    None when witgen behaved."""
    with open(os.path.join(scratch, f), 'wb') as out_f:
        out_f.write(data)
    targets = users.get(f, []) + [f]  # check stops at the first file with an error
    rc, out, err = run(['check'] + targets, cwd=scratch)
    ok = (rc == 0 and err == '') or (rc == 1 and one_error.match(err))
    if not ok or out != '':
        return 'checking %s: exit status %d, stdout %r, stderr %r' % (targets, rc, out, err)
    if dump:
        rc, out, err = run(['dump', f], cwd=scratch)
        ok = (rc == 0 and err == '' and out.startswith('interface ')) or (
            rc == 1 and out == '' and one_error.match(err))
        if not ok:
            return 'dumping %s: exit status %d, stderr %r' % (f, rc, err)
    return None


if MODE in ('all', 'robustness'):
    # Bytes a mutation writes: the dialect's punctuation, letters, and bytes it rejects.
    MUTATIONS = [ord(c) for c in '{}()<>,:=*-/%_ a1\n'] + [0, 0xff]
    rng = random.Random(5)
    for src_dir, files in ((WIT_DIR, wit_files), (TESTS, ['shapes-types.wit', 'shapes.wit'])):
        users = users_of(src_dir, files)
        scratch = tempfile.mkdtemp(prefix='witgen-damage-')
        try:
            for g in files:
                shutil.copy(os.path.join(src_dir, g), os.path.join(scratch, g))
            for f in files:
                data = open(os.path.join(src_dir, f), 'rb').read()
                problem = None
                for n in range(len(data) + 1):
                    problem = survives(scratch, f, users, data[:n])
                    if problem:
                        problem = 'cut at %d bytes, %s' % (n, problem)
                        break
                check('truncation %s (%d prefixes)' % (f, len(data) + 1), problem)
                problem = None
                for i in range(200):
                    m = bytearray(data)
                    for _ in range(rng.randint(1, 3)):
                        m[rng.randrange(len(m))] = rng.choice(MUTATIONS)
                    problem = survives(scratch, f, users, bytes(m), dump=True)
                    if problem:
                        problem = 'mutation %d (%r), %s' % (i, bytes(m), problem)
                        break
                check('mutation %s (200 damaged copies)' % f, problem)
                shutil.copy(os.path.join(src_dir, f), os.path.join(scratch, f))
        finally:
            shutil.rmtree(scratch)

if MODE in ('all', 'golden'):
    rc, out, err = run([])
    check('usage: no arguments exits 2', None if rc == 2 and 'usage:' in err else 'exit %d' % rc)
    rc, out, err = run(['dump'])
    check('usage: dump without a file exits 2', None if rc == 2 else 'exit %d' % rc)
    rc, out, err = run(['frobnicate', 'x.wit'])
    check('usage: unknown command exits 2', None if rc == 2 else 'exit %d' % rc)
    rc, out, err = run(['check', 'no-such-file.wit'], cwd=TESTS)
    want = 'no-such-file.wit: cannot read: No such file or directory\n'
    check('unreadable file exits 1 with one message',
          None if rc == 1 and err == want else 'exit %d, stderr %r' % (rc, err))


def generated(name, text, args, want_rc, want):
    """Runs witgen on a generated file; want is the exact stderr or a stdout prefix."""
    d = tempfile.mkdtemp(prefix='witgen-gen-')
    try:
        with open(os.path.join(d, name), 'w') as f:
            f.write(text)
        rc, out, err = run(args + [name], cwd=d)
    finally:
        shutil.rmtree(d)
    got = err if want_rc else out
    if rc != want_rc or not got.startswith(want) or (want_rc and got != want):
        return 'exit status %d, stdout %r, stderr %r' % (rc, out[:300], err[:300])
    return None


if MODE in ('all', 'golden'):
    # Limits: long lists, long alias chains, deep comments and many cases.
    text = 'enum e { ' + ', '.join('c%d' % i for i in range(10001)) + ' }\n'
    check('limit: a list of 10001 entries', generated(
        'big.wit', text, ['check'], 1,
        'big.wit:1:%d: more than 10000 entries in one list\n' % (text.index('}') + 1)))
    text = ''.join('type a%d = a%d\n' % (i, i + 1) for i in range(3000)) + 'type a3000 = u8\n'
    check('limit: a chain of 3000 aliases written forwards', generated(
        'chain.wit', text, ['check'], 1, 'chain.wit:1001:14: type nested too deeply\n'))
    text = 'type a3000 = u8\n' + ''.join('type a%d = a%d\n' % (i, i + 1)
                                        for i in range(2999, -1, -1))
    check('a chain of 3000 aliases written backwards is fine', generated(
        'chain.wit', text, ['check'], 0, ''))
    text = 'type a0 = u8\n' + ''.join(
        'type a%d = tuple<a%d, a%d, a%d, a%d>\n' % ((i,) + (i - 1,) * 4) for i in range(1, 40))
    check('limit: a listing growing exponentially stops', generated(
        'expo.wit', text, ['dump'], 1, 'expo.wit: listing too large\n'))
    check('100000 nested block comments', generated(
        'nest.wit', '/*' * 100000 + '*/' * 100000 + 'type x = u8\n', ['check'], 0, ''))
    # 300 cases need a u16 tag: size max(2, align_to(2, 4) + 8) = 12, payload at 4
    text = 'variant v { ' + ', '.join('c%d(string)' % i for i in range(300)) + ' }\n'
    check('a variant of 300 cases has a 2-byte tag', generated(
        'v.wit', text, ['dump'], 0,
        'interface v\ntype v variant size=12 align=4 payload=4 cases=c0(string),'))

if MODE in ('all', 'golden'):
    # Torture: the Nth allocation fails, for every N until the run needs fewer.
    for stem in ('http-server', 'sql'):
        want = open(os.path.join(TESTS, 'expected', stem + '.dump')).read()
        problem = None
        for n in range(1, 1000):
            env = dict(os.environ, WITGEN_FAIL_ALLOC=str(n))
            rc, out, err = run(['dump', os.path.join(WIT_DIR, stem + '.wit')], env=env)
            if rc == 0 and out == want and err == '':
                break
            if rc != 1 or out != '' or not re.match(r'^[^\n]*out of memory\n$', err):
                problem = 'allocation %d failing: exit status %d, stderr %r' % (n, rc, err)
                break
        else:
            problem = 'still failing after 999 allocations'
        check('torture: dump %s.wit with each allocation failing (%d)' % (stem, n), problem)

print('1..%d' % len(results))
for i, (name, problem) in enumerate(results, 1):
    if problem is None:
        print('ok %d - %s' % (i, name))
    else:
        print('not ok %d - %s' % (i, name))
        for line in problem.splitlines():
            print('# ' + line)
sys.exit(0)
