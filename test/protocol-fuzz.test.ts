import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestDaemon, type TestDaemon } from './helpers/test-daemon.ts';
import { TestClient } from './helpers/ws-client.ts';
import { seededRandom as rng } from '../scripts/lib/seeded-random.ts';
import { CLIENT_MESSAGE_TYPES, ServerMessageSchema } from '../src/server/ws/protocol.ts';
import type { InputItem } from '../src/core/input.ts';

let td: TestDaemon;
before(async () => {
  // A generous rate limit so the fuzz exercises validation, not throttling (throttling has its own test).
  td = await startTestDaemon({ config: { server: { ws: { messages_per_second: 100000, message_burst: 100000, max_message_bytes: 65536 } } }, logLevel: 'warn' });
});
after(() => td.stop());


const VALID: unknown[] = [
  { type: 'auth', token: 'not-the-token' },
  { type: 'ping', t: 1 },
  { type: 'text-input', text: 'hello' },
  { type: 'audio-start', sampleRate: 48000 },
  { type: 'audio-end' },
  { type: 'interrupt', heardText: 'hi' },
  { type: 'playback', turnId: 't1', ended: true },
  // Admin-only: a fuzzing client is not an admin, so every variant must be refused, never switch.
  { type: 'character-switch', name: 'no-such-character', queue: 'keep' },
];
const WEIRD_VALUES: unknown[] = [null, true, -1, 1e308, '', 'x'.repeat(5000), [], {}, { nested: { deep: [1, 2, 3] } }, '\u0000\uffff', NaN];

function randomMessage(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const base = JSON.parse(JSON.stringify(pick(VALID))) as Record<string, unknown>;
  switch (Math.floor(r() * 7)) {
    case 0: // truncated JSON
      return JSON.stringify(base).slice(0, Math.floor(r() * JSON.stringify(base).length));
    case 1: // wrong-typed field
      for (const k of Object.keys(base)) if (r() < 0.6) base[k] = pick(WEIRD_VALUES);
      return JSON.stringify(base);
    case 2: // unknown type
      return JSON.stringify({ ...base, type: `x-${Math.floor(r() * 1e6)}` });
    case 3: // extra field
      return JSON.stringify({ ...base, [`extra${Math.floor(r() * 9)}`]: pick(WEIRD_VALUES) });
    case 4: // random bytes as text
      return Array.from({ length: 1 + Math.floor(r() * 200) }, () => String.fromCharCode(Math.floor(r() * 0xffff))).join('');
    case 5: // non-object JSON
      return JSON.stringify(pick(WEIRD_VALUES));
    default: // valid
      return JSON.stringify(base);
  }
}

test('the fuzz starts from a valid example of every client message type in the union', () => {
  const covered = new Set(VALID.map((m) => (m as { type: string }).type));
  assert.deepEqual(CLIENT_MESSAGE_TYPES.filter((t) => !covered.has(t)), [], 'a new message type needs a fuzz example');
});

test('2,000 random, truncated, wrong-typed and oversized messages: every text message gets a reply or a clean close, and the daemon stays up', { timeout: 30_000 }, async () => {
  const r = rng(20261121);
  const queued: InputItem[] = [];
  const off = td.daemon.bus.on('input.queued', (item) => queued.push(item));
  const client = await TestClient.connect(td.wsUrl);
  const start = client.messages.length;
  let sent = 0;
  let oversized = 0;
  for (let i = 0; i < 2000; i++) {
    if (i === 1999) {
      // The very last one is oversized: the server must close with 1009 after answering the rest.
      client.send('x'.repeat(70_000));
      oversized++;
    } else {
      client.send(randomMessage(r));
      sent++;
    }
  }
  // Every normal message is answered (ack, pong, or error), in order, before the oversize close.
  // waitFor only looks at arriving messages, so the close is awaited on the socket itself.
  if (!client.closed) await new Promise((res) => client.ws.once('close', res));
  assert.equal(client.closed?.code, 1009, 'oversized message closes with 1009');
  const replies = client.messages.slice(start).filter((m) => ['ack', 'pong', 'error'].includes(m.type));
  assert.equal(replies.length, sent, `each of ${sent} messages got a reply`);
  const errors = replies.filter((m) => m.type === 'error');
  assert.ok(errors.length > 500, 'most fuzz messages are invalid');
  for (const e of errors) {
    assert.equal(typeof e.code, 'string');
    assert.ok(typeof e.message === 'string' && e.message.length > 0);
  }
  assert.equal(oversized, 1);
  // Nothing half-written: every frame the server sent is a whole, valid server message, and the
  // inputs that reached the queue are exactly the acknowledged text inputs.
  for (const m of client.messages) assert.ok(ServerMessageSchema.safeParse(m).success, `server frame ${JSON.stringify(m).slice(0, 200)}`);
  off();
  const ackedInputs = replies.filter((m) => m.type === 'ack' && m.ref === 'text-input').map((m) => m.inputId);
  assert.deepEqual(queued.filter((q) => q.clientUid === client.messages[0]?.clientUid).map((q) => q.id), ackedInputs);
  assert.ok(ackedInputs.length > 0, 'some fuzz inputs were valid and queued');

  const health = await fetch(`${td.url}/healthz`);
  assert.equal(health.status, 200);
  const fresh = await TestClient.connect(td.wsUrl);
  fresh.send({ type: 'ping', t: 42 });
  const pong = await fresh.waitForType('pong');
  assert.equal(pong.t, 42);
  await fresh.close();
});

test('invalid messages are answered with an error naming the problem and the connection stays open', async () => {
  const client = await TestClient.connect(td.wsUrl);
  const cases: Array<[string, string, RegExp]> = [
    ['{"type":"text-input"', 'BAD_JSON', /not valid JSON/],
    ['{"type":"dance"}', 'UNKNOWN_MESSAGE_TYPE', /unknown message type "dance"/],
    ['{"type":"text-input","text":42}', 'BAD_MESSAGE', /text-input: field text/],
    ['{"type":"audio-start","sampleRate":"fast"}', 'BAD_MESSAGE', /field sampleRate/],
    ['{"type":"ping","extra":1}', 'BAD_MESSAGE', /extra/],
    ['[1,2,3]', 'BAD_MESSAGE', /JSON object with a "type" field/],
  ];
  for (const [text, code, re] of cases) {
    const from = client.messages.length;
    client.send(text);
    const reply = await client.waitFor((m) => m.type === 'error', 3000, from);
    assert.equal(reply.code, code, text);
    assert.match(String(reply.message), re);
  }
  client.sendBinary(Buffer.from([1, 2, 3, 4]));
  const binErr = await client.waitFor((m) => m.type === 'error' && m.code === 'UNEXPECTED_BINARY');
  assert.match(String(binErr.message), /audio-start/);
  assert.equal(client.closed, undefined);
  await client.close();
});

test('a client that floods past the rate limit gets RATE_LIMITED errors, then a 1008 close', async () => {
  const strict = await startTestDaemon({ config: { server: { ws: { messages_per_second: 5, message_burst: 5, max_violations: 20 } } }, logLevel: 'warn' });
  try {
    const client = await TestClient.connect(strict.wsUrl);
    for (let i = 0; i < 40; i++) client.send({ type: 'ping' });
    await client.waitFor((m) => m.type === 'error' && m.code === 'RATE_LIMITED');
    for (let i = 0; i < 100 && !client.closed; i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(client.closed?.code, 1008);
    assert.equal((await fetch(`${strict.url}/healthz`)).status, 200);
  } finally {
    await strict.stop();
  }
});

test('with input_auth always, a client without a token may receive but not send input; the right token unlocks it', async () => {
  const guarded = await startTestDaemon({ config: { server: { input_auth: 'always' } }, env: { VTUBER_INPUT_TOKEN: 'in-tok-123' }, logLevel: 'warn' });
  try {
    const viewer = await TestClient.connect(guarded.wsUrl);
    const hello = viewer.messages.find((m) => m.type === 'hello');
    assert.equal(hello?.canSendInput, false);
    viewer.send({ type: 'text-input', text: 'let me in' });
    const refused = await viewer.waitFor((m) => m.type === 'error');
    assert.equal(refused.code, 'UNAUTHORIZED');
    assert.equal(guarded.daemon.input.size, 0, 'nothing reached the queue');
    viewer.send({ type: 'auth', token: 'wrong' });
    await viewer.waitFor((m) => m.type === 'error' && String(m.message).includes('wrong token'));
    viewer.send({ type: 'auth', token: 'in-tok-123' });
    await viewer.waitFor((m) => m.type === 'ack' && m.ref === 'auth');
    viewer.send({ type: 'text-input', text: 'now with token' });
    await viewer.waitFor((m) => m.type === 'ack' && m.ref === 'text-input');
    assert.equal(guarded.daemon.input.size, 1);

    const withUrlToken = await TestClient.connect(`${guarded.wsUrl}?token=in-tok-123`);
    assert.equal(withUrlToken.messages.find((m) => m.type === 'hello')?.canSendInput, true);
    await viewer.close();
    await withUrlToken.close();
  } finally {
    await guarded.stop();
  }
});
