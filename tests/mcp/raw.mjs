// raw.mjs — `oxide mcp` over stdio against what no SDK sends: garbage,
// oversized and half-written messages, floods of unknown methods, batches,
// a client that vanishes mid-call. The server must answer what it can and
// keep serving.
//
//   node raw.mjs OXIDE GUESTS EXAMPLES
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const [oxide, guests, examples] = process.argv.slice(2);
let failures = 0;
function check(ok, what, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail !== undefined ? ": " + JSON.stringify(detail).slice(0, 400) : ""}`);
  if (!ok) failures++;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxide-mcp-raw-"));
function module(id, wasm, tools, extra = {}) {
  fs.mkdirSync(path.join(dir, id));
  fs.writeFileSync(path.join(dir, id, "module.json"),
    JSON.stringify({ id, name: id, version: "1", kind: "wasm", wasm, mcp: "mcp.json", ...extra }));
  fs.writeFileSync(path.join(dir, id, "mcp.json"), JSON.stringify({ tools }));
}
module("echo", path.join(examples, "echo.wasm"), [{ name: "echo", inputSchema: { type: "object" } }],
  { fuel: 100000000 });
module("short", path.join(guests, "slow.wasm"), [{ name: "spin", method: "spin", inputSchema: { type: "object" } },
  { name: "short_ok", method: "ok", inputSchema: { type: "object" } }], { timeout_ms: 1500 });

// Start a server, write `input` (string or chunks), collect stdout lines
// until it exits or `ms` pass.
function session(input, { ms = 20000, extra = [], closeAfter = true } = {}) {
  return new Promise((resolve) => {
    const p = spawn(oxide, ["mcp", "--modules", dir, ...extra], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "", err = "";
    const at = {}; // when each answer arrived (ms), by id
    p.stdout.on("data", (d) => {
      out += d;
      for (const l of out.split("\n")) { try { const id = JSON.parse(l).id; if (id !== undefined && !(id in at)) at[id] = Date.now(); } catch {} }
    });
    p.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), ms);
    p.on("exit", (code, signal) => {
      clearTimeout(timer);
      const lines = out.split("\n").filter((l) => l.length);
      resolve({ code, signal, err, at, msgs: lines.map((l) => { try { return JSON.parse(l); } catch { return { unparsable: l }; } }) });
    });
    p.stdin.on("error", () => {});
    (async () => { /* a number in the input is a pause (ms); {waitFor: id} waits for that answer;
                      a function is called with the messages so far */
      for (const chunk of [].concat(input)) {
        if (typeof chunk === "number") await new Promise((w) => setTimeout(w, chunk));
        else if (typeof chunk === "function") { /* given the output so far; what it returns is written */
          const w = await chunk(out.split("\n").filter((l) => l).map((l) => JSON.parse(l)));
          if (typeof w === "string") p.stdin.write(w);
        }
        else if (chunk.waitForMethod !== undefined) {
          while (!out.split("\n").some((l) => { try { return JSON.parse(l).method === chunk.waitForMethod; } catch { return false; } }))
            await new Promise((w) => setTimeout(w, 10));
        } else if (chunk.waitFor !== undefined) {
          while (!out.split("\n").some((l) => { try { return JSON.parse(l).id === chunk.waitFor; } catch { return false; } }))
            await new Promise((w) => setTimeout(w, 10));
        } else p.stdin.write(chunk);
      }
      if (closeAfter) p.stdin.end();
    })();
  });
}

const msg = (o) => JSON.stringify({ jsonrpc: "2.0", ...o }) + "\n";
const ping = (id) => msg({ id, method: "ping" });
const byId = (r, id) => r.msgs.find((m) => m.id === id);

let cancelledAt = 0;
async function main() {
  // garbage, then a ping: answered with parse errors, then pong
  let r = await session(["garbage\n", "{\"jsonrpc\":\n", "\u0000\u0001\u00ff\n", "[1,2]\n", "42\n",
    msg({ id: { no: 1 }, method: "ping" }), msg({ id: 1, method: 7 }), ping("after")]);
  check(r.code === 0, "garbage: the server exits 0 at end of input", r);
  check(r.msgs.filter((m) => m.error?.code === -32700).length === 3, "garbage: three parse errors (-32700)", r.msgs);
  check(r.msgs.filter((m) => m.error?.code === -32600).length === 4, "garbage: four invalid requests (-32600)", r.msgs);
  check(byId(r, "after")?.result !== undefined, "garbage: still serving afterwards", r.msgs);
  check(/malformed JSON refused/.test(r.err), "garbage: logged on stderr", r.err);

  // a half-written message, then EOF
  r = await session([ping(1), "{\"jsonrpc\":\"2.0\",\"id\":2,\"meth"]);
  check(r.code === 0 && byId(r, 1) && !byId(r, 2) && /end of input inside a message/.test(r.err),
    "half a message then EOF: the rest answered, the half dropped and logged", r);

  // 10,000 unknown methods
  const flood = [];
  for (let i = 0; i < 10000; i++) flood.push(msg({ id: i, method: `no/such/${i}` }));
  flood.push(ping("end"));
  r = await session(flood.join(""), { ms: 60000 });
  const nf = r.msgs.filter((m) => m.error?.code === -32601).length;
  check(nf === 10000 && byId(r, "end")?.result, "10,000 unknown methods: each -32601, then still serving", nf);

  // over the size limit: refused without being held, then still serving
  const huge = msg({ id: "huge", method: "ping", params: { pad: "x".repeat(5000) } });
  r = await session([huge, ping("ok")], { extra: ["--max-message", "1024"] });
  check(r.msgs[0]?.error?.code === -32600 && /over the 1024-byte limit/.test(r.msgs[0]?.error?.message) &&
    byId(r, "ok")?.result, "a message over --max-message: -32600, then still serving", r.msgs);

  // notifications get no answer; responses to nothing are logged
  r = await session([msg({ method: "notifications/initialized" }), msg({ id: "x", result: {} }), ping(9)]);
  check(r.msgs.length === 1 && byId(r, 9), "notifications and stray responses: no answer", r.msgs);

  // a call whose client writes and closes at once is still answered
  r = await session(msg({ id: 5, method: "tools/call", params: { name: "echo", arguments: { a: 1 } } }));
  check(byId(r, 5)?.result?.structuredContent?.input?.a === 1, "requests before EOF are answered", r.msgs);

  // a client that vanishes mid-call: the server ends, without hanging
  const t0 = Date.now();
  r = await new Promise((resolve) => {
    const p = spawn(oxide, ["mcp", "--modules", dir], { stdio: ["pipe", "pipe", "pipe"] });
    p.stdin.write(msg({ id: 1, method: "tools/call", params: { name: "spin", arguments: {} } }));
    setTimeout(() => { p.stdout.destroy(); p.stdin.end(); }, 100);
    const timer = setTimeout(() => p.kill("SIGKILL"), 20000);
    p.on("exit", (code, signal) => { clearTimeout(timer); resolve({ code, signal }); });
  });
  check(r.signal === null && Date.now() - t0 < 10000, "a vanished client: the server exits by itself", r);

  // the audit trail: every call in the registry's decision log, a hash chain
  const reg = path.join(dir, "registry.db");
  r = await session([msg({ id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "auditor", version: "9.9" } } }),
    msg({ id: 2, method: "tools/call", params: { name: "echo", arguments: { a: 1 } } }),
    msg({ id: 3, method: "tools/call", params: { name: "spin", arguments: {} } })], { extra: ["--registry", reg] });
  check(byId(r, 2)?.result && byId(r, 3)?.result?.isError, "audit: calls answered with --registry", r.msgs);
  const run = (cmd, a) => new Promise((resolve) => {
    const p = spawn(cmd, a, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("exit", (code) => resolve({ code, out }));
  });
  let v = await run(oxide, ["log", "verify", "--registry", reg]);
  check(v.code === 0 && /^ok: 3 entries, head [0-9a-f]{64}/.test(v.out), "audit: log verify on an intact log (two calls, and the module's own record of the failure)", v);
  const head = /head ([0-9a-f]{64})/.exec(v.out)?.[1];
  const l = await run(oxide, ["log", "list", "--registry", reg]);
  const entries = l.out.trim().split("\n").map((x) => JSON.parse(x));
  const call = entries.find((e) => e.rationale === "echo");
  check(call?.output?.fuel > 0 && call.output.fuel < 100000000, "audit: the fuel a metered call spent", call);
  check(call?.actor === "mcp:auditor" && call?.inputs?.client_version === "9.9" && call?.output?.outcome === "ok" &&
    /^[0-9a-f]{64}$/.test(call?.inputs?.arguments_sha256) && entries.some((e) => e.output?.outcome === "error"),
    "audit: each call recorded with client, tool, argument digest and outcome", entries);
  v = await run(oxide, ["log", "verify", "--registry", reg, "--expect", head]);
  check(v.code === 0, "audit: --expect the recorded head", v);
  v = await run("python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE xai_decisions SET output=replace(output,'error','ok')\"); c.commit()", reg]);
  v = await run(oxide, ["log", "verify", "--registry", reg]);
  check(v.code === 1 && /TAMPERED: entry 2 .* was changed/.test(v.out), "audit: an edited entry is found", v);

  // one instance per module: a second call waits for the first; with
  // --instances 2 it is served at once by the other instance
  /* the server is up (ping answered) before the two calls go, 500 ms apart (the loop runs 1.5 s) */
  const pair = [ping(0), { waitFor: 0 }, msg({ id: 1, method: "tools/call", params: { name: "spin", arguments: {} } }), 500,
    msg({ id: 2, method: "tools/call", params: { name: "short_ok", arguments: {} } })];
  r = await session(pair);
  /* answers to 1 and 2 may be written in either order when they come
     together, so compare when they came: queued, 2 comes with 1 (the loop's
     end); beside it, 2 comes long before */
  r = await session(pair);
  check(byId(r, 1)?.result?.isError && byId(r, 2)?.result?.structuredContent?.ok === true &&
    r.at[2] >= r.at[1] - 100, "one instance: calls to a module queue", { at: r.at, msgs: r.msgs });
  r = await session(pair, { extra: ["--instances", "2"] });
  check(byId(r, 2)?.result?.structuredContent?.ok === true && r.at[2] < r.at[1] - 500,
    "--instances 2: a second call runs beside a looping one", r.msgs);

  // --watch: a module added, changed (a tool renamed) and removed while serving
  const wdir = fs.mkdtempSync(path.join(os.tmpdir(), "oxide-mcp-watch-"));
  const put = (id, tool) => {
    fs.mkdirSync(path.join(wdir, id), { recursive: true });
    fs.writeFileSync(path.join(wdir, id, "module.json"), JSON.stringify({ id, name: id, version: "1", kind: "wasm",
      wasm: path.join(examples, "echo.wasm"), mcp: "mcp.json" }));
    fs.writeFileSync(path.join(wdir, id, "mcp.json"), JSON.stringify({ tools: [{ name: tool, inputSchema: { type: "object" } }] }));
  };
  put("a", "tool_a");
  const list = (id) => msg({ id, method: "tools/list" });
  const names = (m) => m?.result?.tools?.map((t) => t.name).join();
  const changes = () => r.msgs.filter((m) => m.method === "notifications/tools/list_changed").length;
  let seen = 0;
  const waitChange = async () => { // the next list_changed notification
    const want = ++seen;
    for (let i = 0; i < 1000 && countChanges() < want; i++) await new Promise((w) => setTimeout(w, 10));
  };
  let live = "";
  const countChanges = () => live.split("\n").filter((l) => l.includes("notifications/tools/list_changed")).length;
  r = await new Promise((resolve) => {
    const p = spawn(oxide, ["mcp", "--modules", wdir, "--watch"], { stdio: ["pipe", "pipe", "pipe"] });
    p.stdout.on("data", (d) => (live += d));
    p.on("exit", (code) => resolve({ code, msgs: live.split("\n").filter((l) => l).map((l) => JSON.parse(l)) }));
    (async () => {
      p.stdin.write(msg({ id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "w", version: "1" } } }) + list(2));
      await new Promise((w) => setTimeout(w, 300));
      put("b", "tool_b");
      await waitChange();
      p.stdin.write(list(3));
      await new Promise((w) => setTimeout(w, 700)); // a new mtime second for sure
      put("a", "tool_a2");
      await waitChange();
      p.stdin.write(list(4));
      fs.rmSync(path.join(wdir, "b"), { recursive: true });
      await waitChange();
      p.stdin.write(list(5) + msg({ id: 6, method: "tools/call", params: { name: "tool_a2", arguments: { x: 1 } } }));
      await new Promise((w) => setTimeout(w, 300));
      p.stdin.end();
    })();
  });
  check(byId(r, 1)?.result?.capabilities?.tools?.listChanged === true, "--watch: listChanged announced", byId(r, 1));
  check(names(byId(r, 2)) === "tool_a" && names(byId(r, 3)) === "tool_a,tool_b" && names(byId(r, 4)) === "tool_a2,tool_b" &&
    names(byId(r, 5)) === "tool_a2", "--watch: tools follow modules added, changed, removed", r.msgs.map(names));
  check(changes() === 3, "--watch: one list_changed per change", changes());
  check(byId(r, 6)?.result?.structuredContent?.input?.x === 1, "--watch: a reloaded module serves", byId(r, 6));
  fs.rmSync(wdir, { recursive: true, force: true });

  // notifications/cancelled reaches a guest run on the calling thread (no
  // progressToken: nothing to watch, so the call is served directly)
  r = await session([ping(0), { waitFor: 0 }, msg({ id: 1, method: "tools/call", params: { name: "spin", arguments: {} } }), 300,
    msg({ method: "notifications/cancelled", params: { requestId: 1 } }), () => { cancelledAt = Date.now(); },
    msg({ id: 2, method: "tools/call", params: { name: "short_ok", arguments: {} } }), { waitFor: 2 }]);
  check(!byId(r, 1) && byId(r, 2)?.result?.structuredContent?.ok === true && r.at[2] - cancelledAt < 700,
    "cancel: a directly served guest is interrupted at once", { ms: r.at[2] - cancelledAt, msgs: r.msgs });

  // tasks: malformed task requests, a tasks/result answered when the call
  // meets its deadline, the ttl, and the cap on tasks a session holds
  const init25 = msg({ id: "i", method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } } });
  const taskCall = (id, name, task) => msg({ id, method: "tools/call", params: { name, arguments: {}, task } });
  const taskOf = (msgs, id) => msgs.find((m) => m.id === id)?.result?.task?.taskId;
  const ask = (id, method, tid) => (msgs) => msg({ id, method, params: { taskId: taskOf(msgs, tid) } });
  r = await session([init25, taskCall(1, "echo", "nope"), msg({ id: 2, method: "tasks/get" }),
    msg({ id: 3, method: "tasks/list", params: { cursor: 5 } }), msg({ id: 4, method: "tasks/result", params: { taskId: "x" } }),
    taskCall(5, "spin", { ttl: 5000 }), taskCall(6, "echo", { ttl: 1000 }), { waitFor: 6 }, ask(7, "tasks/result", 5),
    { waitFor: 7 }, ask(8, "tasks/get", 5), 200, ask(9, "tasks/get", 6)]);
  check([1, 2, 3, 4].every((id) => byId(r, id)?.error?.code === -32602), "tasks: malformed task requests are -32602",
    [1, 2, 3, 4].map((id) => byId(r, id)));
  check(byId(r, 5)?.result?.task?.status === "working", "tasks: created working", byId(r, 5));
  const waited = byId(r, 7)?.result;
  check(waited?.isError && /interrupted|deadline/.test(waited?.content?.[0]?.text) &&
    waited?._meta?.["io.modelcontextprotocol/related-task"]?.taskId === taskOf(r.msgs, 5),
    "tasks: a waiting tasks/result gets the deadline's isError", byId(r, 7));
  check(byId(r, 8)?.result?.status === "failed", "tasks: a task stopped by its deadline has failed", byId(r, 8));
  check(byId(r, 9)?.error?.code === -32602, "tasks: an ended task is dropped after its ttl", byId(r, 9));
  const many = [init25];
  for (let i = 0; i < 1001; i++) many.push(taskCall(100 + i, "echo", {}));
  r = await session([many.join("")]);
  const made = r.msgs.filter((m) => m.result?.task).length;
  check(made === 1000 && /holds 1000 tasks/.test(byId(r, 1100)?.error?.message), "tasks: at most 1000 a session",
    { made, last: byId(r, 1100) });

  // usage
  for (const [a, code, want] of [[["mcp", "--help"], 0, /usage: oxide mcp/], [["mcp"], 2, /--modules DIR is required/],
    [["mcp", "--modules", dir, "--http", "nohost"], 2, /HOST:PORT/], [["mcp", "--modules", "/nonexistent"], 3, /cannot read the modules directory/],
    [["log", "verify"], 2, /--registry FILE is required/], [["log", "verify", "--registry", "/nonexistent.db"], 3, /no registry/],
    [["log", "--help"], 0, /usage: oxide log/]]) {
    const u = await run(oxide, a);
    check(u.code === code && want.test(u.out), `usage: oxide ${a.join(" ")}`, u);
  }

  // a bad tool definition stops start-up, naming file and tool
  const bad = fs.mkdtempSync(path.join(os.tmpdir(), "oxide-mcp-bad-"));
  fs.mkdirSync(path.join(bad, "m"));
  fs.writeFileSync(path.join(bad, "m", "module.json"), JSON.stringify({ id: "m", name: "m", version: "1", kind: "wasm", wasm: path.join(examples, "echo.wasm"), mcp: "mcp.json" }));
  for (const [tools, want] of [
    [[{ name: "has space", inputSchema: { type: "object" } }], /tool name `has space`/],
    [[{ name: "a", inputSchema: { type: "object" } }, { name: "a", inputSchema: { type: "object" } }], /tool `a` is already offered/],
    [[{ name: "r", inputSchema: { type: "object", properties: { x: { $ref: "#/y" } } } }], /tool `r`.*\/properties\/x\/\$ref.*not supported/],
    [[{ name: "p", inputSchema: { type: "object", properties: { x: { type: "string", pattern: "(?=a)" } } } }], /tool `p`.*pattern/],
    [[{ name: "n", inputSchema: { type: "string" } }], /tool `n`.*"type": "object"/],
    [[{ name: "t", inputSchema: { type: "object" }, taskSupport: "sometimes" }], /tool `t`.*`taskSupport` is/],
    [[{ name: "g", inputSchema: { type: "object" }, approval: "always", taskSupport: "optional" }], /tool `g`.*needs approval cannot run as a task/],
  ]) {
    fs.writeFileSync(path.join(bad, "m", "mcp.json"), JSON.stringify({ tools }));
    const res = await new Promise((resolve) => {
      const p = spawn(oxide, ["mcp", "--modules", bad], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      p.stderr.on("data", (d) => (err += d));
      p.on("exit", (code) => resolve({ code, err }));
    });
    check(res.code === 3 && want.test(res.err) && res.err.includes(path.join(bad, "m", "mcp.json")),
      `start-up refused: ${want}`, res);
  }
  fs.rmSync(bad, { recursive: true, force: true });
}

try {
  await main();
} catch (e) {
  check(false, "unexpected exception", String(e?.stack ?? e));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`${failures} failure(s)`);
process.exit(failures ? 1 : 0);
