import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';

const TOKEN = 'route-test-admin-token-0123456789';
ensureFrontendBuilt();

test('GET /api/character gives the configured model_dict entry with the character adjustments', async () => {
  const d = await startTestDaemon({ config: { active_character: 'neiri', character: { live2d: { model: 'haru', scale: 2, offset_y: 0.1, emotion_map: { happy: 'smile01' } } } } });
  try {
    const body = (await (await fetch(`${d.url}/api/character`)).json()) as Record<string, unknown> & { live2d: Record<string, unknown> };
    assert.equal(body.displayName, 'Нейри');
    assert.equal(body.live2d.name, 'haru');
    assert.equal(body.live2d.url, '/live2d-models/haru/haru_greeter_t03.model3.json');
    // Built-in haru entry: scale 2, offset_y 0.5; the character doubles the scale and adds 0.1.
    assert.equal(body.live2d.scale, 4);
    assert.ok(Math.abs((body.live2d.offset_y as number) - 0.6) < 1e-9);
    assert.deepEqual(body.live2d.emotion_map, { happy: 'smile01' });
    assert.equal(body.live2dFallback, false);
    const modelFile = await fetch(`${d.url}${body.live2d.url as string}`);
    assert.equal(modelFile.status, 200, 'the bundled model is served');
  } finally {
    await d.stop();
  }
});

test('a character\'s avatar picks its model over live2d.model; an unknown avatar falls back to live2d.model and says so', async () => {
  const d = await startTestDaemon({ config: { character: { avatar: 'haru', live2d: { model: 'shizuku' } } } });
  try {
    const body = (await (await fetch(`${d.url}/api/character`)).json()) as { avatar: string; live2d: { name: string }; live2dFallback: boolean };
    assert.deepEqual({ avatar: body.avatar, model: body.live2d.name, fallback: body.live2dFallback }, { avatar: 'haru', model: 'haru', fallback: false });
  } finally {
    await d.stop();
  }
  const u = await startTestDaemon({ config: { character: { avatar: 'nobody', live2d: { model: 'haru' } } } });
  try {
    const body = (await (await fetch(`${u.url}/api/character`)).json()) as { live2d: { name: string }; live2dFallback: boolean };
    assert.deepEqual({ model: body.live2d.name, fallback: body.live2dFallback }, { model: 'haru', fallback: true });
    const warn = u.logs().find((l) => l.event === 'live2d.avatar_unknown');
    assert.equal(warn?.avatar, 'nobody');
  } finally {
    await u.stop();
  }
});

test('user models in DATA_DIR/live2d-models are listed, served under /user-models/, and a bad dict is reported', async () => {
  const d = await startTestDaemon({ config: { character: { live2d: { model: 'mine' } } } });
  try {
    const dir = path.join(d.dataDir, 'live2d-models');
    mkdirSync(path.join(dir, 'mine'), { recursive: true });
    writeFileSync(path.join(dir, 'mine', 'mine.model3.json'), '{"Version":3}');
    writeFileSync(path.join(dir, 'model_dict.json'), JSON.stringify([{ name: 'mine', url: 'mine/mine.model3.json', scale: 1.5, emotion_map: { sad: 'cry' }, tap_motions: { Head: 'TapHead' } }]));
    let body = (await (await fetch(`${d.url}/api/character`)).json()) as { live2d: Record<string, unknown>; models: Array<{ name: string; source: string }> };
    assert.equal(body.live2d.url, '/user-models/mine/mine.model3.json');
    assert.equal(body.live2d.idle_motion_group, 'idle', 'defaults filled in');
    assert.ok(body.models.some((m) => m.name === 'mine' && m.source === 'user'));
    assert.equal((await fetch(`${d.url}/user-models/mine/mine.model3.json`)).status, 200);

    writeFileSync(path.join(dir, 'model_dict.json'), JSON.stringify([{ name: 'mine', url: 'x', scale: -1 }]));
    const res = await fetch(`${d.url}/api/character`);
    assert.equal(res.status, 200, 'a broken user dict does not break the page');
    body = (await res.json()) as typeof body & { problems: string[]; live2dFallback: boolean };
    const b = body as typeof body & { problems: string[]; live2dFallback: boolean };
    assert.equal(b.live2dFallback, true, 'falls back to a built-in model');
    assert.equal(b.live2d.name, 'shizuku');
    assert.match(b.problems[0] ?? '', /scale/);
  } finally {
    await d.stop();
  }
});

test('/overlay and /admin serve the pages', async () => {
  const d = await startTestDaemon({});
  try {
    const overlay = await fetch(`${d.url}/overlay`);
    assert.equal(overlay.status, 200);
    assert.match(await overlay.text(), /main-page\.js/);
    const admin = await fetch(`${d.url}/admin`);
    assert.match(await admin.text(), /admin-page\.js/);
  } finally {
    await d.stop();
  }
});

test('GET /admin/logs needs the token, filters by level, component and request_id, and exports JSONL', async () => {
  const d = await startTestDaemon({ env: { VTUBER_ADMIN_TOKEN: TOKEN } });
  const auth = { authorization: `Bearer ${TOKEN}` };
  try {
    assert.equal((await fetch(`${d.url}/admin/logs`)).status, 401);
    assert.equal((await fetch(`${d.url}/admin/logs`, { headers: { authorization: 'Bearer nope' } })).status, 401);
    await fetch(`${d.url}/healthz`, { headers: { 'x-request-id': 'req-find-me-1' } });
    await fetch(`${d.url}/no-such-route`, { headers: { 'x-request-id': 'req-other-2' } });
    await new Promise((r) => setTimeout(r, 300)); // file stream flush

    const byId = (await (await fetch(`${d.url}/admin/logs?request_id=req-other-2&level=debug`, { headers: auth })).json()) as { lines: Array<Record<string, unknown>> };
    assert.ok(byId.lines.length >= 1);
    assert.ok(byId.lines.every((l) => l.request_id === 'req-other-2'));

    // Request lines live in the access log sink (component access); /admin/logs reads it too.
    const http = (await (await fetch(`${d.url}/admin/logs?component=access&level=info`, { headers: auth })).json()) as { lines: Array<Record<string, unknown>> };
    assert.ok(http.lines.length >= 1 && http.lines.every((l) => l.component === 'access' && l.level !== 'debug'), 'healthz lines are debug and filtered out');
    assert.ok(!http.lines.some((l) => l.request_id === 'req-find-me-1'));

    const limited = (await (await fetch(`${d.url}/admin/logs?limit=1&level=trace`, { headers: auth })).json()) as { lines: unknown[] };
    assert.equal(limited.lines.length, 1);

    const jsonl = await fetch(`${d.url}/admin/logs?format=jsonl&request_id=req-other-2&level=debug`, { headers: auth });
    assert.equal(jsonl.headers.get('content-type')?.split(';')[0], 'application/x-ndjson');
    const rows = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(rows.length >= 1 && rows.every((r) => r.request_id === 'req-other-2'));

    const bad = await fetch(`${d.url}/admin/logs?level=loud`, { headers: auth });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'BAD_MESSAGE');
  } finally {
    await d.stop();
  }
});

const entry = (i: number) => ({ ts: new Date().toISOString(), level: 'warn', component: 'avatar', event: 'avatar.test', ws_seq: i, client_uid: 'c1', data: { n: i } });

test('POST /api/logs is off by default', async () => {
  const d = await startTestDaemon({});
  try {
    const res = await fetch(`${d.url}/api/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entries: [entry(1)] }) });
    assert.equal(res.status, 404);
    const cfg = (await (await fetch(`${d.url}/api/frontend-config`)).json()) as { logIngest: { enabled: boolean } };
    assert.equal(cfg.logIngest.enabled, false);
  } finally {
    await d.stop();
  }
});

test('POST /api/logs writes browser lines to the server log when enabled, validates them and rate-limits', async () => {
  const d = await startTestDaemon({ config: { frontend: { log_ingest: { enabled: true, max_per_minute: 5, max_batch: 3 } } } });
  const post = (body: unknown) => fetch(`${d.url}/api/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try {
    const ok = await post({ entries: [entry(1), entry(2)] });
    assert.equal(ok.status, 202);
    const lines = d.logs().filter((l) => l.event === 'frontend.log');
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.component, 'frontend');
    assert.equal(lines[0]?.client_event, 'avatar.test');
    assert.equal(lines[0]?.level, 'warn');
    assert.equal(lines[1]?.ws_seq, 2);

    assert.equal((await post({ entries: [entry(1), entry(2), entry(3), entry(4)] })).status, 400, 'batch over max_batch');
    assert.equal((await post({ entries: [{ ...entry(1), level: 'fatal' }] })).status, 400, 'unknown level');
    assert.equal((await post({ entries: [{ ...entry(1), extra: 1 }] })).status, 400, 'unknown field');
    assert.equal((await post({ entries: [entry(3), entry(4), entry(5)] })).status, 202, '5 lines so far');
    const limited = await post({ entries: [entry(6)] });
    assert.equal(limited.status, 429);
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
  } finally {
    await d.stop();
  }
});
