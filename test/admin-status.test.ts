import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestDaemon, type TestDaemon } from './helpers/test-daemon.ts';

let td: TestDaemon;
before(async () => {
  td = await startTestDaemon({ env: { VTUBER_ADMIN_TOKEN: 'correct-horse' } });
});
after(() => td.stop());

test('/admin/status answers 401 without the token or with a wrong one, 200 with it', async () => {
  const none = await fetch(`${td.url}/admin/status`);
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
  const wrong = await fetch(`${td.url}/admin/status`, { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
  const ok = await fetch(`${td.url}/admin/status`, { headers: { authorization: 'Bearer correct-horse' } });
  assert.equal(ok.status, 200);
  const body = (await ok.json()) as Record<string, unknown>;
  for (const key of ['version', 'stages', 'plugins', 'clients', 'queue', 'turns', 'tools']) assert.ok(key in body, `status has ${key}`);
});

test('every admin route is off when no admin token is set', async () => {
  const open = await startTestDaemon();
  try {
    const res = await fetch(`${open.url}/admin/status`, { headers: { authorization: 'Bearer anything' } });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ADMIN_DISABLED');
  } finally {
    await open.stop();
  }
});

test('X-Request-ID is echoed when given and generated when not, and appears in the request log line', async () => {
  const res = await fetch(`${td.url}/healthz`, { headers: { 'x-request-id': 'req-abc-123' } });
  assert.equal(res.headers.get('x-request-id'), 'req-abc-123');
  const gen = await fetch(`${td.url}/healthz`);
  assert.match(gen.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  const line = td.logs().find((l) => l.event === 'http.request' && l.request_id === 'req-abc-123');
  assert.ok(line, 'request line carries request_id');
  assert.equal(line.component, 'access', 'request lines go to the access log sink');
});

test('unknown routes get a coded JSON 404', async () => {
  const res = await fetch(`${td.url}/nope`);
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: { code: 'NOT_FOUND', message: 'no route GET /nope' } });
});
