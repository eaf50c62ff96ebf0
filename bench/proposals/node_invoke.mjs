// node_invoke.mjs — run one export of a module in Node (V8), as `oxide
// invoke` does: node node_invoke.mjs FILE.wasm EXPORT ARG; prints the
// result. bench/proposals/run times it beside Oxide.
import { readFileSync } from "node:fs";

const [file, name, arg] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
console.log(instance.exports[name](Number(arg)));
