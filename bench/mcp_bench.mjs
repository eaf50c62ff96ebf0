// mcp_bench.mjs — tools/call round trips through `oxide mcp` (the echo guest).
//
//   node bench/mcp_bench.mjs build/src/cli/oxide build/examples [CALLS]
//
// stdio: one call at a time (p50/p99 round trip), then CALLS calls with 8 in
// flight (calls per second; every reply checked: none lost, none twice).
// HTTP: the same with one keep-alive connection, then 8 concurrent clients.
// The client is Node itself, so the figures include its share; speed is
// measured here only, never asserted in a test.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";

const [oxide, examples, callsArg] = process.argv.slice(2);
const CALLS = Number(callsArg ?? 100000);
const SEQ = 5000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oxide-mcp-bench-"));
fs.mkdirSync(path.join(dir, "echo"));
fs.writeFileSync(path.join(dir, "echo", "module.json"), JSON.stringify({
  id: "echo", name: "echo", version: "1", kind: "wasm", wasm: path.resolve(examples, "echo.wasm"), mcp: "mcp.json",
}));
fs.writeFileSync(path.join(dir, "echo", "mcp.json"), JSON.stringify({
  tools: [{ name: "echo", inputSchema: { type: "object", properties: { n: { type: "integer" } } } }],
}));

const call = (id) => JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "echo", arguments: { n: id } } });
const init = JSON.stringify({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } } });

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const us = (ns) => (Number(ns) / 1000).toFixed(0);

// Replies are checked by id: each id answered once, with its own n.
function checker(total) {
  const seen = new Uint8Array(total + 1);
  let bad = 0, dup = 0;
  return {
    take(m) {
      const id = m.id;
      if (id < 1 || id > total || m.result?.structuredContent?.input?.n !== id) bad++;
      else if (seen[id]++) dup++;
    },
    report() {
      let lost = 0;
      for (let i = 1; i <= total; i++) lost += !seen[i];
      return { lost, dup, bad };
    },
  };
}

async function stdio() {
  const p = spawn(oxide, ["mcp", "--modules", dir], { stdio: ["pipe", "pipe", "ignore"] });
  let buf = "", waiters = [];
  p.stdout.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(JSON.parse(line));
    }
  });
  const ask = (text) => new Promise((res) => { waiters.push(res); p.stdin.write(text + "\n"); });
  await ask(init);
  const pings = []; // the floor: answered on the server's reader thread, no guest
  for (let i = 1; i <= SEQ; i++) {
    const t = process.hrtime.bigint();
    await ask(JSON.stringify({ jsonrpc: "2.0", id: i, method: "ping" }));
    pings.push(Number(process.hrtime.bigint() - t));
  }
  const lat = [];
  for (let i = 1; i <= SEQ; i++) {
    const t = process.hrtime.bigint();
    await ask(call(i));
    lat.push(Number(process.hrtime.bigint() - t));
  }
  const chk = checker(CALLS);
  const t0 = process.hrtime.bigint();
  let next = 1;
  await new Promise((done) => {
    let inflight = 0, got = 0;
    const pump = () => {
      while (inflight < 8 && next <= CALLS) {
        inflight++;
        ask(call(next++)).then((m) => { chk.take(m); inflight--; if (++got === CALLS) done(); else pump(); });
      }
    };
    pump();
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  p.stdin.end();
  await new Promise((r) => p.on("exit", r));
  console.error(`stdio ping p50 ${us(pct(pings, 50))} µs (the round trip without a call)`);
  return { p50: us(pct(lat, 50)), p99: us(pct(lat, 99)), rate: (CALLS / secs).toFixed(0), ...chk.report() };
}

async function httpBench() {
  const p = spawn(oxide, ["mcp", "--modules", dir, "--http", "127.0.0.1:0"], { stdio: ["ignore", "ignore", "pipe"] });
  const port = await new Promise((res) => {
    let log = "";
    p.stderr.on("data", (d) => { log += d; const m = /:(\d+)\/mcp/.exec(log); if (m) res(Number(m[1])); });
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const post = (body, sid) => new Promise((res, rej) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", agent,
      headers: { "Content-Type": "application/json", Accept: "application/json", ...(sid ? { "Mcp-Session-Id": sid } : {}) } },
    (r) => { let d = ""; r.on("data", (c) => (d += c)); r.on("end", () => res({ sid: r.headers["mcp-session-id"], body: d })); });
    req.on("error", rej);
    req.end(body);
  });
  const sessions = [];
  for (let c = 0; c < 8; c++) sessions.push((await post(init)).sid);
  const lat = [];
  for (let i = 1; i <= SEQ; i++) {
    const t = process.hrtime.bigint();
    await post(call(i), sessions[0]);
    lat.push(Number(process.hrtime.bigint() - t));
  }
  const chk = checker(CALLS);
  let next = 1;
  const t0 = process.hrtime.bigint();
  await Promise.all(sessions.map(async (sid) => {
    while (next <= CALLS) {
      const id = next++;
      chk.take(JSON.parse((await post(call(id), sid)).body));
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  p.kill("SIGTERM");
  await new Promise((r) => p.on("exit", r));
  agent.destroy();
  return { p50: us(pct(lat, 50)), p99: us(pct(lat, 99)), rate: (CALLS / secs).toFixed(0), ...chk.report() };
}

const s = await stdio();
const h = await httpBench();
fs.rmSync(dir, { recursive: true, force: true });
console.log(`| transport | p50 µs | p99 µs | calls/s, 8 in flight (${CALLS} calls) | lost | duplicated | wrong |`);
console.log("|---|---|---|---|---|---|---|");
console.log(`| stdio | ${s.p50} | ${s.p99} | ${s.rate} | ${s.lost} | ${s.dup} | ${s.bad} |`);
console.log(`| HTTP (8 clients) | ${h.p50} | ${h.p99} | ${h.rate} | ${h.lost} | ${h.dup} | ${h.bad} |`);
