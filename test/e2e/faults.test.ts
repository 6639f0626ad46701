import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT_DIR } from '../../src/config/env.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { Show } from './show-harness.ts';

/** Replies are scripted per user text; "BREAK" makes the fake LLM drop the connection mid-stream. */
const reply = (text: string, n: number): string => `[happy] Answer ${n}, about ${text.slice(0, 24)}. That is all for number ${n}!`;
let show: Show;
before(async () => {
  show = await Show.start({
    ttftMs: 20,
    tokenDelayMs: 5,
    asrDelayMs: 10,
    reply,
    // The first engine is msedge-tts, which really fails offline (ENOTFOUND); espeak-ng must take over.
    config: { character: { voice: { engines: ['edge', 'espeak'] } }, plugins: { enabled: ['healthy'], healthy: { throw_on_input: true } } },
    pluginDirs: [path.join(ROOT_DIR, 'test', 'fixtures', 'plugins')],
  });
});
after(() => show.stop());

async function ask(text: string): Promise<{ turnId: string; state: string; replyText: string; audioChunks: number }> {
  const r = await show.textTurn(text);
  return { turnId: r.turnId, state: r.summary.state, replyText: r.replyText, audioChunks: r.audioChunks };
}

test('the first TTS engine failing (msedge-tts offline) hands every segment to espeak-ng: audio still arrives', async () => {
  const r = await ask('hello after the edge failure');
  assert.equal(r.state, 'completed');
  assert.ok(r.audioChunks > 0);
  assert.match(r.replyText, /Answer \d+/);
});

test('the LLM server dying mid-stream gives a spoken apology and an error; queued input is not lost', async () => {
  show.fake.enqueue({ text: '[sad] I was going to say something really long and', disconnectAfterTokens: 3 });
  const from = show.client.messages.length;
  show.client.send({ type: 'text-input', text: 'first, the one that breaks' });
  show.client.send({ type: 'text-input', text: 'second, queued behind it' });
  show.client.send({ type: 'text-input', text: 'third, queued as well' });
  const ends = async (n: number): Promise<void> => {
    for (let i = 0; i < 200 && show.client.messages.slice(from).filter((m) => m.type === 'turn-end').length < n; i++) await new Promise((r) => setTimeout(r, 50));
  };
  await ends(3);
  const after = show.client.messages.slice(from);
  const error = after.find((m) => m.type === 'error');
  assert.ok(error, 'clients get an error message');
  const subtitles = after.filter((m) => m.type === 'reply-text').map((m) => String(m.text)).join(' ');
  assert.match(subtitles, /sorry/i, 'the apology is spoken');
  assert.match(subtitles, /about second, queued/);
  assert.match(subtitles, /about third, queued/);
  assert.equal(after.filter((m) => m.type === 'turn-end').length, 3, 'every queued input got its turn; none is stuck');
});

test('a plugin throwing in its event handler does not stop the show', async () => {
  const r = await ask('chat while the plugin throws');
  assert.equal(r.state, 'completed');
  assert.ok(show.td.logs().some((l) => l.event === 'bus.handler_failed'), 'the plugin failure is logged');
});

test('a client disconnecting mid-turn leaves no stuck turn', async () => {
  const other = await TestClient.connect(show.td.wsUrl);
  other.send({ type: 'text-input', text: 'I will leave right away' });
  const start = await other.waitFor((m) => m.type === 'turn-start');
  other.ws.terminate();
  await show.client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 15_000);
  const r = await ask('still there after the other client left');
  assert.equal(r.state, 'completed');
  assert.equal(show.td.daemon.turns.list().length, 0);
});

test('200 clients connecting and disconnecting in a loop leave the daemon healthy, with no leaked sockets', async () => {
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const before = fds();
  for (let round = 0; round < 20; round++) {
    const batch = await Promise.all(Array.from({ length: 10 }, () => TestClient.connect(show.td.wsUrl)));
    await Promise.all(batch.map((c) => c.close()));
  }
  for (let i = 0; i < 50 && show.td.daemon.hub.size > 1; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(show.td.daemon.hub.size, 1, 'only the show client remains');
  assert.ok(fds() <= before + 5, `file descriptors stay flat (${before} → ${fds()})`);
  const r = await ask('are you still with us');
  assert.equal(r.state, 'completed');
  assert.equal((await fetch(`${show.td.url}/healthz`)).status, 200);
});

test('Chroma killed mid-show: the reply still comes, and memory comes back by itself', async () => {
  const mem = await Show.start({ ttftMs: 20, tokenDelayMs: 5, asrDelayMs: 10, reply, memory: true });
  try {
    const chromaPid = (): number | undefined => {
      for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
        try {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          if (cmd.includes('chromadb') && cmd.includes(mem.td.dataDir)) return Number(pid);
        } catch {
          // process gone
        }
      }
      return undefined;
    };
    for (let i = 0; i < 200 && mem.td.daemon.status.get('stage', 'memory')?.state !== 'live'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(mem.td.daemon.status.get('stage', 'memory')?.state, 'live', 'memory is live before the fault');
    const pid = chromaPid();
    assert.ok(pid, 'the embedded Chroma server runs as a child process');
    const turn = mem.textTurn('my cat is called Biscuit');
    process.kill(pid, 'SIGKILL');
    const r = await turn;
    assert.equal(r.summary.state, 'completed');
    const next = await mem.textTurn('do you remember my cat');
    assert.equal(next.summary.state, 'completed');
    for (let i = 0; i < 300 && (mem.td.daemon.status.get('stage', 'memory')?.state !== 'live' || chromaPid() === pid); i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(mem.td.daemon.status.get('stage', 'memory')?.state, 'live', 'memory recovered after the automatic restart');
  } finally {
    await mem.stop();
  }
});
