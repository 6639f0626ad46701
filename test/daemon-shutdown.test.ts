import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STREAMER } from '../src/core/input.ts';
import { startTestDaemon } from './helpers/test-daemon.ts';
import { TestClient } from './helpers/ws-client.ts';

test('stop refuses new input, aborts the running turn, closes clients with 1001 and the server', async () => {
  const td = await startTestDaemon();
  const client = await TestClient.connect(td.wsUrl);
  const item = td.daemon.input.push({ kind: 'text', text: 'a running turn', user: STREAMER });
  const turn = td.daemon.turns.begin(td.daemon.input.poll() ?? item);
  const turnStart = await client.waitForType('turn-start');
  assert.equal(turnStart.turnId, turn.id);
  const stopping = td.stop();
  assert.throws(() => td.daemon.input.push({ kind: 'text', text: 'too late', user: STREAMER }), /shutting down/);
  await stopping;
  assert.equal(turn.aborted, true, 'the running turn was aborted');
  for (let i = 0; i < 50 && !client.closed; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(client.closed?.code, 1001);
  await assert.rejects(fetch(`${td.url}/healthz`), 'the server no longer listens');
});
