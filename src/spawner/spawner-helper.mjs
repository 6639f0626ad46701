// The process spawner helper: a small long-lived Node process that starts child processes for the
// daemon, so the fork happens here (tens of MB) instead of in the daemon (hundreds of MB), where
// libuv's synchronous fork would block the event loop 10–40 ms per spawn.
//
// Plain JavaScript on purpose: it runs without the TypeScript loader, to start fast and stay small.
// The client side is src/spawner/spawner-client.ts; keep the two in step.
//
// Daemon → helper (stdin): one JSON object per line.
//   {"op":"spawn","id":1,"command":"espeak-ng","args":["--stdout"]}
//   {"op":"write","id":1,"data":"text","end":true}
//   {"op":"kill","id":1,"signal":"SIGKILL"}
//   {"op":"pause","id":1} / {"op":"resume","id":1}      flow control of the child's stdout
// Helper → daemon (stdout): binary frames, a 9-byte header [type u8][id u32 BE][length u32 BE] + payload.
//   1 spawned (payload: pid, decimal), 2 stdout bytes, 3 stderr bytes,
//   4 exit (payload: JSON {code, signal}, always the last frame of an id), 5 error (payload: message).
// When stdin closes (the daemon stopped or died), every child is killed and the helper exits.
// `--nice=N` lowers the helper's CPU priority, and so that of every child it starts (inherited).
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { setPriority } from 'node:os';

const niceArg = process.argv.find((a) => a.startsWith('--nice='));
if (niceArg) {
  try {
    setPriority(Number(niceArg.slice('--nice='.length)));
  } catch {
    // not permitted here: run at normal priority
  }
}

const SPAWNED = 1;
const STDOUT = 2;
const STDERR = 3;
const EXIT = 4;
const ERROR = 5;

/** @type {Map<number, import('node:child_process').ChildProcess>} */
const children = new Map();

function send(type, id, payload) {
  if (stopping) return;
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.allocUnsafe(9);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(id, 1);
  header.writeUInt32BE(body.length, 5);
  process.stdout.write(body.length > 0 ? Buffer.concat([header, body]) : header);
}

function start(id, command, args) {
  let done = false;
  const finish = (code, signal) => {
    if (done) return;
    done = true;
    children.delete(id);
    send(EXIT, id, JSON.stringify({ code, signal }));
  };
  let child;
  try {
    child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    send(ERROR, id, err instanceof Error ? err.message : String(err));
    finish(null, null);
    return;
  }
  children.set(id, child);
  child.on('error', (err) => {
    send(ERROR, id, err.message);
    if (child.pid === undefined) finish(null, null);
  });
  child.on('close', (code, signal) => finish(code, signal));
  child.stdin.on('error', () => undefined);
  child.stdout.on('data', (d) => send(STDOUT, id, d));
  child.stderr.on('data', (d) => send(STDERR, id, d));
  if (child.pid !== undefined) send(SPAWNED, id, String(child.pid));
}

function handle(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch {
    return;
  }
  if (!msg || typeof msg.id !== 'number') return;
  if (msg.op === 'spawn') return start(msg.id, String(msg.command), Array.isArray(msg.args) ? msg.args.map(String) : []);
  const child = children.get(msg.id);
  if (!child) return;
  if (msg.op === 'write') {
    if (typeof msg.data === 'string' && msg.data.length > 0) child.stdin.write(msg.data);
    if (msg.end) child.stdin.end();
  } else if (msg.op === 'kill') {
    child.kill(typeof msg.signal === 'string' ? msg.signal : 'SIGKILL');
  } else if (msg.op === 'pause') {
    child.stdout.pause();
  } else if (msg.op === 'resume') {
    child.stdout.resume();
  }
}

let stopping = false;
/** Kills every child and waits (bounded) until each is reaped, so none is left behind. */
function shutdown() {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill('SIGKILL');
  const deadline = Date.now() + 1000;
  const check = () => {
    if (children.size === 0 || Date.now() > deadline) process.exit(0);
    else setTimeout(check, 5);
  };
  check();
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.length > 0) handle(line);
  }
});
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdout.on('error', shutdown);
process.on('SIGTERM', shutdown);
