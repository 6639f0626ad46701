import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { startTestDaemon } from '../helpers/test-daemon.ts';

function get(url: string, requestId: string): Promise<{ status: number; id: string | undefined }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'GET', headers: { 'x-request-id': requestId } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, id: res.headers['x-request-id'] as string | undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('X-Request-ID is echoed only when it is a short token; anything else gets a fresh id', async () => {
  const td = await startTestDaemon();
  try {
    assert.deepEqual(await get(`${td.url}/healthz`, 'abc-123.x:y'), { status: 200, id: 'abc-123.x:y' });
    for (const bad of ['x'.repeat(200), 'has space', 'semi;colon', '<script>']) {
      const r = await get(`${td.url}/healthz`, bad);
      assert.equal(r.status, 200);
      assert.notEqual(r.id, bad);
      assert.match(r.id ?? '', /^[0-9a-f-]{36}$/, `a generated id replaces ${JSON.stringify(bad)}`);
    }
  } finally {
    await td.stop();
  }
});
