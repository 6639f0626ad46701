// Auth flow, token reuse, revoked token, "Deny", reconnect and secret hygiene, against a fake VTube Studio
// that follows the public API docs (https://github.com/DenchiSoft/VTubeStudio README "Authentication",
// Files/ErrorID.cs): AuthenticationTokenRequest → popup → token; AuthenticationRequest per session.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { FakeVtsServer } from './fake-vts-server.ts';
import { api, inState, startVtsDaemon, waitForVts } from './vts-harness.ts';

describe('VTube Studio authentication and reconnect', () => {
  let fake: FakeVtsServer;
  let td: TestDaemon;

  before(async () => {
    fake = new FakeVtsServer();
    fake.allow = 'manual';
    await fake.start();
    td = await startVtsDaemon(fake);
  });

  after(async () => {
    await td?.stop();
    await fake?.stop();
  });

  test('a first start waits for "Allow" with a clear status, then stores the token in DATA_DIR', async () => {
    const waiting = await waitForVts(td, inState('awaiting_allow'));
    assert.equal(waiting.state, 'degraded');
    assert.match(waiting.detail ?? '', /click "Allow" in VTube Studio/);
    await fake.waitFor(() => fake.popupOpen, 5_000, 'the popup open in VTube Studio');
    const pub = await api(td, 'GET', '/status', null);
    assert.equal(pub.body.state, 'awaiting_allow');
    fake.clickAllow();
    const live = await waitForVts(td, inState('connected'));
    assert.equal(live.state, 'live');
    const file = path.join(td.dataDir, 'vtube-studio-token.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { token: string; pluginName: string };
    assert.match(stored.token, /^fake-vts-token-1-/);
    assert.equal(stored.pluginName, 'VTuber Engine');
    assert.equal(statSync(file).mode & 0o077, 0, 'the token file is private to its owner');
  });

  test('after VTube Studio restarts, the stored token is reused: no second popup', async () => {
    const port = fake.port;
    const before = fake.tokenRequests;
    await fake.stop();
    await waitForVts(td, (s) => s.info?.connection === 'reconnecting');
    await fake.start(port);
    await waitForVts(td, inState('connected'));
    assert.equal(fake.tokenRequests, before, 'no new token was requested');
    const auths = fake.requestsOf('AuthenticationRequest');
    assert.match(String(auths.at(-1)?.data.authenticationToken), /^fake-vts-token-1-/);
    assert.ok(Number(td.daemon.status.get('plugin', 'vtube-studio')?.info?.reconnects) >= 1);
  });

  test('a revoked token is thrown away and a new one is asked for', async () => {
    fake.revokeAll();
    fake.allow = 'allow';
    // Any request now gets "requires authentication": the plugin starts over.
    const model = await api(td, 'GET', '/model');
    assert.equal(model.status, 502);
    await fake.waitFor(() => fake.tokenRequests === 2, 10_000, 'a new token request');
    await waitForVts(td, inState('connected'));
    const stored = JSON.parse(readFileSync(path.join(td.dataDir, 'vtube-studio-token.json'), 'utf8')) as { token: string };
    assert.match(stored.token, /^fake-vts-token-2-/);
    assert.ok(td.logs().some((l) => l.event === 'vts.access_lost'));
  });

  test('"Deny" stops asking until the admin reconnects', async () => {
    fake.revokeAll();
    fake.allow = 'deny';
    const port = fake.port;
    await fake.stop();
    await fake.start(port);
    const denied = await waitForVts(td, inState('denied'));
    assert.match(denied.detail ?? '', /denied/);
    const asked = fake.tokenRequests;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(fake.tokenRequests, asked, 'no popup storm after a "Deny"');
    assert.equal((await api(td, 'POST', '/reconnect', null)).status, 401, 'reconnect is admin-only');
    fake.allow = 'allow';
    assert.equal((await api(td, 'POST', '/reconnect')).status, 202);
    await waitForVts(td, inState('connected'));
  });

  test('no token appears in any log line', async () => {
    const issued = fake.requests.filter((r) => r.type === 'AuthenticationRequest').map((r) => String(r.data.authenticationToken));
    assert.ok(issued.length >= 3);
    const lines = [...td.logs().map((l) => JSON.stringify(l)), ...td.fileLogs()];
    assert.ok(lines.length > 10);
    for (const token of new Set(issued)) for (const line of lines) assert.ok(!line.includes(token), `token leaked into a log line: ${line.slice(0, 200)}`);
    // Nor in the public status.
    const pub = JSON.stringify((await api(td, 'GET', '/status', null)).body);
    for (const token of issued) assert.ok(!pub.includes(token));
  });
});

describe('VTube Studio not running', () => {
  test('the daemon runs on, the status says where it is looking, and it connects once VTS starts', async () => {
    const fake = new FakeVtsServer();
    await fake.start();
    const port = fake.port;
    await fake.stop();
    const td = await startVtsDaemon(fake);
    try {
      const s = await waitForVts(td, (e) => e.info?.connection === 'reconnecting' && /not reachable/.test(e.detail ?? ''));
      assert.match(s.detail ?? '', new RegExp(`127\\.0\\.0\\.1:${port}`));
      await fake.start(port);
      await waitForVts(td, inState('connected'));
    } finally {
      await td.stop();
      await fake.stop();
    }
  });
});

describe('VTube Studio and emotions set outside a reply', () => {
  test('an emotion from the output port (MCP set_emotion, a redemption) triggers its mapped hotkey', async () => {
    const fake = new FakeVtsServer();
    await fake.start();
    const td = await startVtsDaemon(fake, { emotions: { joy: { hotkey: 'Happy' } } });
    try {
      await waitForVts(td, inState('connected'));
      td.daemon.output.emotion('joy', 'test');
      await fake.waitFor(() => fake.requestsOf('HotkeyTriggerRequest').some((r) => r.data.hotkeyID === 'Happy'), 5_000, 'the Happy hotkey');
      td.daemon.output.emotion('unmapped', 'test');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(fake.requestsOf('HotkeyTriggerRequest').length, 1, 'an unmapped emotion does nothing');
    } finally {
      await td.stop();
      await fake.stop();
    }
  });
});
