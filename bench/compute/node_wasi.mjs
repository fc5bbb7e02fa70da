// Runs a WASI (preview1) command module under Node.js.
// Usage: node --no-warnings node_wasi.mjs MODULE.wasm [ARGS...]
// Exits with the guest's exit code.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { argv, env, exit } from 'node:process';
import { WASI } from 'wasi';

const [file, ...args] = argv.slice(2);
if (!file) {
  console.error('usage: node node_wasi.mjs MODULE.wasm [ARGS...]');
  exit(2);
}
const wasi = new WASI({
  version: 'preview1',
  args: [basename(file), ...args],
  env,
  preopens: {},
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const code = wasi.start(instance);
exit(code ?? 0);
