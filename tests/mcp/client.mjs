// client.mjs — `oxide mcp` driven by the official MCP TypeScript SDK.
//
//   node client.mjs stdio|http OXIDE GUESTS EXAMPLES
//
// GUESTS holds slow.wasm and big.wasm (tests/mcp/guests), EXAMPLES the built
// examples (echo.wasm, compress.wasm, compress/mcp.json). A modules directory
// is written to a temporary folder, the server started on it over the chosen
// transport, and every check prints "ok" or "FAIL"; the exit status is the
// number of failures.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  CallToolResultSchema, CreateTaskResultSchema, ElicitRequestSchema, McpError, ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [transport, oxide, guests, examples] = process.argv.slice(2);
let failures = 0;
function check(ok, what, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${!ok && detail !== undefined ? ": " + JSON.stringify(detail) : ""}`);
  if (!ok) failures++;
}

// ---- The modules directory ------------------------------------------------
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxide-mcp-"));
function module(id, wasm, tools, extra = {}) {
  fs.mkdirSync(path.join(dir, id));
  fs.writeFileSync(path.join(dir, id, "module.json"), JSON.stringify({
    id, name: id, version: "1.0.0", kind: "wasm", wasm, mcp: "mcp.json", ...extra,
  }));
  fs.writeFileSync(path.join(dir, id, "mcp.json"), JSON.stringify({ tools }));
}
const obj = (properties = {}, required = []) => ({ type: "object", properties, required });
module("echo", path.join(examples, "echo.wasm"), [
  { name: "echo", description: "echo the input", inputSchema: { ...obj({ text: { type: "string", maxLength: 100 } }, ["text"]), additionalProperties: false } },
  { name: "fail", method: "fail", inputSchema: obj() },
  { name: "guarded", method: "echo", approval: "always", inputSchema: obj() },
]);
module("slow", path.join(guests, "slow.wasm"), [
  { name: "spin", method: "spin", inputSchema: obj() },
  { name: "slow_ok", method: "ok", inputSchema: obj() },
  { name: "nap", method: "nap", inputSchema: obj() },
  { name: "crash", method: "crash", inputSchema: obj() },
], { timeout_ms: 60000 });
module("short", path.join(guests, "slow.wasm"), [{ name: "spin_short", method: "spin", inputSchema: obj() }],
  { timeout_ms: 2500 }); // long enough that a call beside it wins even on a loaded machine
module("big", path.join(guests, "big.wasm"), [{ name: "big", inputSchema: obj() }], { max_memory_pages: 1600 });
const compressTools = JSON.parse(fs.readFileSync(path.join(examples, "compress", "mcp.json"))).tools;
module("compress", path.join(examples, "compress.wasm"), compressTools);
const ALL = ["big", "chunk_text", "crash", "echo", "fail", "guarded", "nap", "select_fields", "slow_ok", "spin", "spin_short", "strip_metadata"];

// ---- The server -----------------------------------------------------------
const args = ["mcp", "--modules", dir, "--page-size", "3"];
let server = null, url = null;
const token = "s3cret-token";
async function startHttp() {
  fs.writeFileSync(path.join(dir, "token"), token + "\n");
  server = spawn(oxide, [...args, "--watch", "--http", "127.0.0.1:0", "--token-file", path.join(dir, "token")],
    { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  url = await new Promise((resolve, reject) => {
    server.stderr.on("data", (d) => {
      log += d;
      const m = /listening on (http:\S+)/.exec(log);
      if (m) resolve(new URL(m[1]));
    });
    server.on("exit", (code) => reject(new Error(`oxide mcp exited ${code}: ${log}`)));
  });
}

async function connect(name, { elicit } = {}) {
  const client = new Client({ name, version: "1.0.0" }, { capabilities: elicit ? { elicitation: {} } : {} });
  if (elicit) client.setRequestHandler(ElicitRequestSchema, elicit);
  const t = transport === "http"
    ? new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${token}` } } })
    : new StdioClientTransport({ command: oxide, args, stderr: "ignore" });
  await client.connect(t);
  return client;
}

const text = (r) => r.content?.[0]?.text ?? "";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  if (transport === "http") await startHttp();
  const c = await connect("oxide-test");

  check(c.getServerVersion()?.name === "oxide", "initialize: serverInfo", c.getServerVersion());
  check(c.getServerCapabilities()?.tools !== undefined, "initialize: tools capability");

  // tools/list, three at a time
  const names = [];
  let cursor, pages = 0;
  do {
    const r = await c.listTools(cursor ? { cursor } : {});
    names.push(...r.tools.map((t) => t.name));
    cursor = r.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  check(JSON.stringify(names) === JSON.stringify(ALL), "tools/list: every tool, sorted, across pages", names);
  check(pages === 4, "tools/list: 12 tools in pages of 3", pages);
  const listed = (await c.listTools()).tools.find((t) => t.name === "big");
  check(listed?.inputSchema?.type === "object", "tools/list: schemas", listed);

  // tools/call
  let r = await c.callTool({ name: "echo", arguments: { text: "hi" } });
  check(!r.isError && r.structuredContent?.input?.text === "hi" && r.structuredContent?.method === "echo",
    "call: structuredContent is the guest's output", r);
  check(JSON.parse(text(r)).input.text === "hi", "call: text content is the same JSON", r);
  r = await c.callTool({ name: "chunk_text", arguments: { text: "hello brave new world", max_chars: 11 } });
  check(JSON.stringify(r.structuredContent) === JSON.stringify({ result: ["hello brave", "new world"] }),
    "call: a non-object output is wrapped as {result}", r);

  // refusals
  r = await c.callTool({ name: "echo", arguments: { text: 5 } });
  check(r.isError && /invalid arguments.*\/text/.test(text(r)), "schema: wrong type refused before the guest", r);
  r = await c.callTool({ name: "echo", arguments: { text: "x", extra: 1 } });
  check(r.isError && /extra.*not allowed/.test(text(r)), "schema: additionalProperties", r);
  r = await c.callTool({ name: "echo", arguments: { text: "x".repeat(101) } });
  check(r.isError && /longer than 100/.test(text(r)), "schema: maxLength", r);
  try {
    await c.callTool({ name: "nope", arguments: {} });
    check(false, "unknown tool is -32602");
  } catch (e) {
    check(e instanceof McpError && e.code === -32602 && /unknown tool/.test(e.message), "unknown tool is -32602", e.message);
  }

  // guest failures are tool results
  r = await c.callTool({ name: "fail", arguments: {} });
  check(r.isError && /asked to fail/.test(text(r)), "guest error: isError with its reason", r);
  r = await c.callTool({ name: "crash", arguments: {} });
  check(r.isError && /unreachable/.test(text(r)), "guest trap: isError naming the trap", r);
  r = await c.callTool({ name: "slow_ok", arguments: {} });
  check(!r.isError && r.structuredContent?.ok === true, "guest trap: the module serves on", r);
  let t0 = Date.now();
  r = await c.callTool({ name: "spin_short", arguments: {} });
  check(r.isError && /interrupted|deadline/.test(text(r)) && Date.now() - t0 < 5000,
    "deadline: a looping guest stopped by its manifest's timeout", r);
  r = await c.callTool({ name: "big", arguments: {} });
  check(r.isError && /100000002 bytes is over the 4194304-byte/.test(text(r)), "a 100 MB answer is refused, not sent", text(r).slice(0, 200));

  // cancellation, and progress meanwhile
  const ac = new AbortController();
  let progress = 0;
  const spinning = c.callTool({ name: "spin", arguments: {} }, undefined,
    { signal: ac.signal, onprogress: () => progress++, timeout: 30000 });
  await sleep(2300);
  ac.abort("test");
  try {
    await spinning;
    check(false, "cancel: the call is abandoned");
  } catch (e) {
    check(true, "cancel: the call is abandoned");
  }
  check(progress >= 1, "progress: notifications while the call runs", progress);
  t0 = Date.now();
  r = await c.callTool({ name: "slow_ok", arguments: {} }, undefined, { timeout: 10000 });
  check(!r.isError && r.structuredContent?.ok === true && Date.now() - t0 < 5000,
    "cancel: the guest was interrupted, its module serves again", r);

  // concurrency: different modules run in parallel. The busy one spins until cancelled (not
  // until a deadline), so the check does not depend on how fast a loaded machine answers.
  const stop = new AbortController();
  let spinEnded = false;
  const busy = c.callTool({ name: "spin", arguments: {} }, undefined, { signal: stop.signal, timeout: 60000 })
    .catch(() => null).finally(() => { spinEnded = true; });
  await sleep(200);
  r = await c.callTool({ name: "echo", arguments: { text: "quick" } }, undefined, { timeout: 30000 });
  check(!r.isError && !spinEnded, "parallel: a busy module does not hold up another", r);
  stop.abort("test");
  await busy;
  const many = [];
  for (let i = 0; i < 8; i++) {
    many.push(i % 2 ? c.callTool({ name: "echo", arguments: { text: `n${i}` } })
      : c.callTool({ name: "chunk_text", arguments: { text: `w${i} x y`, max_chars: 3 } }));
  }
  const got = await Promise.all(many);
  const good = got.every((g, i) => i % 2 ? g.structuredContent?.input?.text === `n${i}`
    : g.structuredContent?.result?.[0] === `w${i}`);
  check(good, "concurrent: 8 calls, each answered with its own result", got.map(text));

  // approval, bound to one call
  let shown = "";
  const yes = await connect("approver", { elicit: async (req) => { shown = req.params.message; return { action: "accept", content: { approve: true } }; } });
  r = await yes.callTool({ name: "guarded", arguments: { secret: 42 } });
  check(!r.isError && r.structuredContent?.input?.secret === 42, "approval accepted: the call runs", r);
  check(/guarded/.test(shown) && /"secret":42/.test(shown), "approval: the user sees tool and arguments", shown);
  const no = await connect("decliner", { elicit: async () => ({ action: "decline" }) });
  r = await no.callTool({ name: "guarded", arguments: {} });
  check(r.isError && /not approved.*decline/.test(text(r)), "approval declined: isError", r);
  r = await c.callTool({ name: "guarded", arguments: {} });
  check(r.isError && /elicitation/.test(text(r)), "approval without elicitation: isError", r);
  await yes.close();
  await no.close();

  await tasks(c);
  await c.close();
  if (transport === "http") await httpExtras();
}

// MCP tasks (2025-11-25): a call answered at once with a task, then polled,
// waited for, listed and cancelled.
async function tasks(c) {
  const caps = c.getServerCapabilities()?.tasks;
  check(caps?.requests?.tools?.call && caps?.cancel && caps?.list, "tasks: capability declared", caps);
  const listed = {};
  let cursor;
  do {
    const page = await c.listTools(cursor ? { cursor } : {});
    for (const t of page.tools) listed[t.name] = t.execution?.taskSupport;
    cursor = page.nextCursor;
  } while (cursor);
  check(listed.slow_ok === "optional" && listed.guarded === "forbidden", "tasks: taskSupport per tool", listed);
  const T = c.experimental.tasks;
  const opts = { task: { ttl: 60000, pollInterval: 100 } };

  // the SDK's stream: created, polled, result
  const seen = [];
  let result = null;
  for await (const m of T.callToolStream({ name: "nap", arguments: {} }, undefined, opts)) {
    seen.push(m.type === "taskStatus" ? m.task.status : m.type);
    if (m.type === "result") result = m.result;
    if (m.type === "error") seen.push(String(m.error));
  }
  check(seen[0] === "taskCreated" && seen.includes("working") && seen.at(-2) === "completed" &&
    result?.structuredContent?.ok === true, "tasks: a slow call runs as a task to its result", seen);
  check(result?._meta?.["io.modelcontextprotocol/related-task"]?.taskId, "tasks: the result names its task", result?._meta);

  // tasks/result waits for a running task
  let created = null;
  for await (const m of T.callToolStream({ name: "echo", arguments: { text: "later" } }, undefined, opts)) {
    created = m.task; // the first message: the task as created
    break;
  }
  const waited = await T.getTaskResult(created.taskId, CallToolResultSchema);
  check(waited?.structuredContent?.input?.text === "later", "tasks: tasks/result answers when the call ends", waited);
  const got = await T.getTask(created.taskId);
  check(got.status === "completed" && got.ttl === 60000 && got.pollInterval === 100 && /Z$/.test(got.createdAt),
    "tasks: tasks/get", got);

  // a guest failure is a failed task, its result the isError result
  let failed = null;
  for await (const m of T.callToolStream({ name: "fail", arguments: {} }, undefined, opts)) {
    if (m.type === "taskCreated") failed = m.task.taskId;
  }
  const ft = await T.getTask(failed);
  const fr = await T.getTaskResult(failed, CallToolResultSchema);
  check(ft.status === "failed" && /asked to fail/.test(ft.statusMessage ?? "") && fr.isError,
    "tasks: a guest error fails the task, its result says why", { ft, fr });

  // cancelled: the guest is interrupted, its module serves again
  let spinning = null;
  for await (const m of T.callToolStream({ name: "spin", arguments: {} }, undefined, opts)) {
    spinning = m.task.taskId;
    break;
  }
  await sleep(300);
  const cancelled = await T.cancelTask(spinning);
  check(cancelled.status === "cancelled", "tasks: tasks/cancel", cancelled);
  try {
    await T.cancelTask(spinning);
    check(false, "tasks: cancelling an ended task is -32602");
  } catch (e) {
    check(e.code === -32602, "tasks: cancelling an ended task is -32602", e.message);
  }
  const t0 = Date.now();
  const r = await c.callTool({ name: "slow_ok", arguments: {} }, undefined, { timeout: 10000 });
  check(!r.isError && Date.now() - t0 < 5000, "tasks: a cancelled task's guest was interrupted", Date.now() - t0);

  const all = [];
  cursor = undefined;
  do {
    const page = await T.listTasks(cursor);
    all.push(...page.tasks.map((t) => t.taskId));
    cursor = page.nextCursor;
  } while (cursor);
  check([created.taskId, failed, spinning].every((id) => all.includes(id)), "tasks: tasks/list", all);
  try {
    await T.getTask("no-such-task");
    check(false, "tasks: an unknown task is -32602");
  } catch (e) {
    check(e.code === -32602, "tasks: an unknown task is -32602", e.message);
  }
  try {
    await c.request({ method: "tools/call", params: { name: "guarded", arguments: {}, task: {} } },
      CreateTaskResultSchema);
    check(false, "tasks: a tool needing approval cannot be a task");
  } catch (e) {
    check(e.code === -32601, "tasks: a tool needing approval cannot be a task", e.message);
  }
}

// --watch over HTTP: the SDK opens the session's GET stream, and a module
// added while serving reaches it as notifications/tools/list_changed.
async function httpWatch() {
  const c = await connect("watcher");
  let changed = 0;
  c.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
  // The SDK opens its GET stream on its own after initialize, at a moment a
  // loaded machine can delay: a change made before then is announced to
  // nobody, so the module is written again (a new change) until one arrives.
  for (let round = 0; round < 10 && !changed; round++) {
    module(`late${round}`, path.join(examples, "echo.wasm"), [{ name: `late_tool${round}`, method: "echo", inputSchema: obj() }]);
    for (let i = 0; i < 30 && !changed; i++) await sleep(50);
  }
  check(changed >= 1, "http: list_changed reaches the session's GET stream", changed);
  // its stream is open now: another GET for the session is refused
  const sid = c.transport.sessionId;
  const res = await fetch(url, { method: "GET", headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream", "Mcp-Session-Id": sid } });
  check(res.status === 409, "http: a second GET stream for a session is 409", res.status);
  const r = await c.callTool({ name: "late_tool0", arguments: { n: 7 } });
  check(r.structuredContent?.input?.n === 7, "http: a module added while serving answers", r);
  await c.transport.terminateSession();
  await c.close();
}

// Raw HTTP: what the SDK never sends.
async function httpExtras() {
  const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } };
  const hdrs = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
  let res = await fetch(url, { method: "POST", headers: hdrs, body: JSON.stringify(init) });
  check(res.status === 401, "http: no bearer token is 401", res.status);
  const auth = { ...hdrs, Authorization: `Bearer ${token}` };
  res = await fetch(url, { method: "POST", headers: { ...auth, Origin: "http://evil.example" }, body: JSON.stringify(init) });
  check(res.status === 403, "http: a foreign Origin is 403", res.status);
  res = await fetch(url, { method: "POST", headers: auth, body: "{garbage" });
  const body = await res.json().catch(() => null);
  check(res.status === 400 && body?.error?.code === -32700, "http: malformed JSON is -32700", body);
  res = await fetch(url, { method: "POST", headers: auth, body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }) });
  check(res.status === 400, "http: a request without a session is 400", res.status);
  res = await fetch(url, { method: "POST", headers: auth, body: JSON.stringify(init) });
  const sid = res.headers.get("mcp-session-id");
  check(res.status === 200 && sid, "http: initialize opens a session", res.status);
  await res.text();
  // a client that drops its event stream mid-call: the guest is interrupted
  const sh = { ...auth, "Mcp-Session-Id": sid };
  const ac = new AbortController();
  const dropped = fetch(url, { method: "POST", headers: sh, signal: ac.signal,
    body: JSON.stringify({ jsonrpc: "2.0", id: 10, method: "tools/call", params: { name: "spin", arguments: {} } }) })
    .then((r) => r.body.getReader().read()).catch(() => null);
  await sleep(500);
  ac.abort();
  await dropped;
  const t0 = Date.now();
  res = await fetch(url, { method: "POST", headers: sh,
    body: JSON.stringify({ jsonrpc: "2.0", id: 11, method: "tools/call", params: { name: "slow_ok", arguments: {} } }) });
  const okBody = await res.text();
  check(res.status === 200 && /"ok":true/.test(okBody) && Date.now() - t0 < 8000,
    "http: a dropped stream cancels its call, the module serves again", { status: res.status, ms: Date.now() - t0, okBody });
  res = await fetch(url, { method: "DELETE", headers: { ...auth, "Mcp-Session-Id": sid } });
  check(res.status === 200 || res.status === 204, "http: DELETE ends the session", res.status);
  res = await fetch(url, { method: "POST", headers: { ...auth, "Mcp-Session-Id": sid }, body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" }) });
  check(res.status === 404, "http: an ended session is 404", res.status);
  res = await fetch(url, { method: "POST", headers: auth, body: JSON.stringify({ jsonrpc: "2.0", id: 4, method: "ping", params: { pad: "x".repeat(5 << 20) } }) });
  check(res.status === 413, "http: a message over the limit is 413", res.status);
  res = await fetch(url, { method: "GET", headers: { ...auth, Accept: "text/event-stream" } });
  check(res.status === 400, "http: GET without a session is 400", res.status);
  res = await fetch(url, { method: "GET", headers: { Authorization: `Bearer ${token}` } });
  check(res.status === 406, "http: GET not accepting an event stream is 406", res.status);
  res = await fetch(url, { method: "PUT", headers: auth, body: "{}" });
  check(res.status === 405, "http: PUT is 405", res.status);
  await httpWatch();
  res = await fetch(new URL("/other", url), { method: "POST", headers: auth, body: "{}" });
  check(res.status === 404, "http: only /mcp is served", res.status);
}

try {
  await main();
} catch (e) {
  check(false, "unexpected exception", String(e?.stack ?? e));
} finally {
  if (server) server.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`${failures} failure(s)`);
process.exit(failures ? 1 : 0);
