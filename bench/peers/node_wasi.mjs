// node_wasi.mjs — run a wasm32-wasi command under Node's V8 through
// node:wasi, with the same command-line shape as `oxide run`:
//     node --single-threaded node_wasi.mjs PROGRAM.wasm [ARGS...]
// Compilation is included in the time the runner measures, as it is for
// every other runtime. The exit status is the guest's.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import process, { argv, env, exit } from 'node:process';

if (argv.length < 3) {
  console.error('usage: node node_wasi.mjs PROGRAM.wasm [ARGS...]');
  exit(2);
}
const path = argv[2];
const wasi = new WASI({
  version: 'preview1',
  args: [path, ...argv.slice(3)],
  env,
  returnOnExit: true,
});
let bytes;
try {
  bytes = await readFile(path);
} catch (e) {
  console.error(`node_wasi: cannot read ${path}: ${e.message}`);
  exit(2);
}
const module = await WebAssembly.compile(bytes);
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
// bench/run starts Node with --single-threaded: without it Node 20 crashed
// (SIGSEGV) in about half the runs of the hashtable workload after the
// output was complete, apparently in a V8 worker thread at teardown.
process.exitCode = wasi.start(instance);
