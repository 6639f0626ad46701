import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeTestCtcModel } from '../../scripts/make-test-models.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { ADMIN_AUTH_FAILURES_PER_MINUTE } from '../../src/server/admin-auth.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

let modelsDir: string;
let asr: Record<string, unknown>;
before(() => {
  modelsDir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-input-guard-'));
  asr = { engine: 'nemo-ctc', model: writeTestCtcModel(modelsDir).dir };
});
after(() => rmSync(modelsDir, { recursive: true, force: true }));

// POST /asr sends input like the websocket does, so it follows the same rule (server.input_auth) and
// counts wrong tokens in the same per-address budget: guessing cannot move to whichever door is unlimited.
test('POST /asr needs the input token under input_auth: always, and wrong tokens share the websocket budget', async () => {
  const td = await startTestDaemon({ stages: [asrStage], config: { asr, server: { input_auth: 'always' } }, env: { VTUBER_INPUT_TOKEN: 'input-tok-123' } });
  const post = (auth?: string): Promise<Response> =>
    fetch(`${td.url}/asr`, { method: 'POST', headers: { 'content-type': 'audio/wav', ...(auth ? { authorization: auth } : {}) }, body: new Uint8Array(44) });
  try {
    const none = await post();
    assert.equal(none.status, 401);
    assert.match(((await none.json()) as { error: { message: string } }).error.message, /VTUBER_INPUT_TOKEN/);
    // Wrong tokens over the websocket use up the same budget.
    const guesser = await TestClient.connect(td.wsUrl);
    for (let i = 1; i < ADMIN_AUTH_FAILURES_PER_MINUTE; i++) {
      const from = guesser.messages.length;
      guesser.send({ type: 'auth', token: `guess-${i}` });
      await guesser.waitFor((m) => m.type === 'error' || m.type === 'ack', 3000, from);
    }
    await guesser.close();
    const limited = await post('Bearer wrong');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const right = await post('Bearer input-tok-123');
    assert.notEqual(right.status, 401, 'the right token is never locked out');
    assert.notEqual(right.status, 429, 'the right token is never locked out');
  } finally {
    await td.stop();
  }
});

test('on a loopback daemon with input_auth: auto, POST /asr needs no token', async () => {
  const td = await startTestDaemon({ stages: [asrStage], config: { asr }, env: { VTUBER_INPUT_TOKEN: 'input-tok-123' } });
  try {
    const res = await fetch(`${td.url}/asr`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: new Uint8Array(44) });
    assert.notEqual(res.status, 401);
  } finally {
    await td.stop();
  }
});
