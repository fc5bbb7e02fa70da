// SPDX-License-Identifier: Apache-2.0
// node_wasi.mjs GUEST.wasm [--dir HOST[:GUEST]]... [--env K=V]... [-- ARGS...] -- runs a
// WASI command under Node.js's WASI (preview 1, or 0 for wasi_unstable imports) as slight:
// argv is the module path then ARGS, only --env values in the environment, the working
// directory preopened as "." unless --dir is given, inherited stdio; exits with its status.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const wasm = argv.shift();
const preopens = {};
const env = {};
let args = [];
let dirs = 0;
while (argv.length > 0) {
    const a = argv.shift();
    if (a === '--') {
        args = argv.splice(0);
    } else if (a === '--dir') {
        const v = argv.shift();
        const i = v.indexOf(':');
        if (i < 0)
            preopens[v] = v;
        else
            preopens[v.slice(i + 1)] = v.slice(0, i);
        dirs++;
    } else if (a === '--env') {
        const v = argv.shift();
        const i = v.indexOf('=');
        env[i < 0 ? v : v.slice(0, i)] = i < 0 ? (process.env[v] ?? '') : v.slice(i + 1);
    } else {
        console.error(`node_wasi.mjs: unknown option ${a}`);
        process.exit(125);
    }
}
if (dirs === 0)
    preopens['.'] = process.cwd();

const module = await WebAssembly.compile(await readFile(wasm));
const legacy = WebAssembly.Module.imports(module).some((i) => i.module === 'wasi_unstable');
const wasi = new WASI({ version: legacy ? 'unstable' : 'preview1', args: [wasm, ...args], env,
                        preopens, returnOnExit: true });
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
