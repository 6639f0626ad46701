// The process spawner helper: a small long-lived Node process that starts child processes for the
// daemon, so the fork happens here (tens of MB) instead of in the daemon (hundreds of MB), where
// libuv's synchronous fork would block the event loop 10–40 ms per spawn.
//
// The child's stdin and stdout pipes are handed to the daemon over the IPC channel, so the daemon
// writes and reads them directly: speech audio takes no extra hop through this process (relaying
// it cost 2–4 ms before the first audio). Only control messages and stderr pass through here.
//
// Plain JavaScript on purpose: it runs without the TypeScript loader, to start fast and stay small.
// The client side is src/spawner/spawner-client.ts; keep the two in step.
//
// Daemon → helper (IPC messages):
//   {op:'spawn', id, command, args}     {op:'kill', id, signal}
// Helper → daemon:
//   {type:'stdout', id} + the child's stdout pipe as the message's handle
//   {type:'stdin', id, pid} + the child's stdin pipe as the message's handle
//   {type:'stderr', id, data}           stderr text
//   {type:'error', id, message}         the child could not start
//   {type:'exit', id, code, signal}     always the last message of an id, sent once the child has
//                                       exited and its stderr has ended
// When the IPC channel closes (the daemon stopped or died), every child is killed and the helper exits.
// `--nice=N` lowers the helper's CPU priority, and so that of every child it starts (inherited).
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';

const niceArg = process.argv.find((a) => a.startsWith('--nice='));
if (niceArg) {
  try {
    setPriority(Number(niceArg.slice('--nice='.length)));
  } catch {
    // not permitted here: run at normal priority
  }
}

/** @type {Map<number, import('node:child_process').ChildProcess>} */
const children = new Map();
let stopping = false;

function send(msg, handle) {
  if (stopping || !process.connected) return;
  try {
    // keepOpen false: once the daemon holds the pipe, this process closes its own copy.
    if (handle) process.send(msg, handle, { keepOpen: false }, () => undefined);
    else process.send(msg, undefined, undefined, () => undefined);
  } catch {
    // the channel closed meanwhile: shutdown() follows
  }
}

function start(id, command, args) {
  let exit;
  let stderrOpen = true;
  let done = false;
  const finish = () => {
    if (done || !exit || stderrOpen) return;
    done = true;
    children.delete(id);
    send({ type: 'exit', id, code: exit.code, signal: exit.signal });
  };
  let child;
  try {
    child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    send({ type: 'error', id, message: err instanceof Error ? err.message : String(err) });
    send({ type: 'exit', id, code: null, signal: null });
    return;
  }
  children.set(id, child);
  child.on('error', (err) => {
    send({ type: 'error', id, message: err.message });
    if (child.pid === undefined) {
      exit = { code: null, signal: null };
      stderrOpen = false;
      finish();
    }
  });
  // 'exit', not 'close': the stdio pipes leave this process, so 'close' may never come.
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    finish();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => send({ type: 'stderr', id, data: d }));
  child.stderr.on('close', () => {
    stderrOpen = false;
    finish();
  });
  if (child.pid === undefined) return;
  // Node starts reading a child's stdout at once, and drops what it reads between handing the pipe
  // over and the daemon's acknowledgement: this process must not take a byte of it.
  child.stdout._handle?.readStop();
  child.stdin.on('error', () => undefined);
  send({ type: 'stdout', id }, child.stdout);
  send({ type: 'stdin', id, pid: child.pid }, child.stdin);
}

function handle(msg) {
  if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') return;
  if (msg.op === 'spawn') return start(msg.id, String(msg.command), Array.isArray(msg.args) ? msg.args.map(String) : []);
  if (msg.op === 'kill') children.get(msg.id)?.kill(typeof msg.signal === 'string' ? msg.signal : 'SIGKILL');
}

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

process.on('message', handle);
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
