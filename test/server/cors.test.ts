import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/config-error.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';

// Preflight per the Fetch standard's CORS protocol: OPTIONS with Origin and
// Access-Control-Request-Method; the answer allows the origin or carries no CORS headers.
async function preflight(url: string, origin: string, method = 'POST'): Promise<Response> {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,authorization' } });
}

test('server.cors_origins: a listed origin gets preflight and response headers, others get none; empty = same origin only', async () => {
  const td = await startTestDaemon({ config: { server: { cors_origins: ['http://localhost:5173'] } }, env: { VTUBER_ADMIN_TOKEN: 'tok-cors' } });
  try {
    let r = await preflight(`${td.url}/api/tts`, 'http://localhost:5173');
    assert.equal(r.status, 204, 'preflight is answered (it was 404)');
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(r.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /authorization/);
    r = await fetch(`${td.url}/healthz`, { headers: { origin: 'http://localhost:5173' } });
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(r.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
    r = await preflight(`${td.url}/api/tts`, 'http://evil.example');
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    r = await fetch(`${td.url}/healthz`, { headers: { origin: 'http://evil.example' } });
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  } finally {
    await td.stop();
  }
  const same = await startTestDaemon();
  try {
    const r = await preflight(`${same.url}/healthz`, 'http://localhost:5173', 'GET');
    assert.equal(r.headers.get('access-control-allow-origin'), null, 'no list: no cross-origin access');
  } finally {
    await same.stop();
  }
});

test('a wildcard never reaches admin routes', async () => {
  const td = await startTestDaemon({ config: { server: { cors_origins: ['*'] } }, env: { VTUBER_ADMIN_TOKEN: 'tok-cors' } });
  try {
    let r = await fetch(`${td.url}/healthz`, { headers: { origin: 'http://any.example' } });
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://any.example');
    r = await preflight(`${td.url}/admin/status`, 'http://any.example', 'GET');
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    r = await fetch(`${td.url}/admin/status`, { headers: { origin: 'http://any.example', authorization: 'Bearer tok-cors' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  } finally {
    await td.stop();
  }
});

test('a malformed origin in server.cors_origins is a config error naming the key', async () => {
  await assert.rejects(
    startTestDaemon({ config: { server: { cors_origins: ['localhost:5173/app'] } } }),
    (err: unknown) => err instanceof ConfigError && /server\.cors_origins\.0: .*an origin like http:\/\/localhost:5173/.test(err.message),
  );
});
