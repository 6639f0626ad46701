import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
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

/** One raw HTTP/1.1 request with `requestId` written as is (fetch and http.request refuse CR/LF). */
function rawGet(url: string, requestId: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-ID: ${requestId}\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

test('an X-Request-ID with CR/LF never reaches a response header or a log line: refused on the wire, replaced in process', async () => {
  const td = await startTestDaemon();
  try {
    for (const bad of ['abc\r\n\tfolded', 'abc\r\n X-Injected: 1', 'a\rb', 'a\nb']) {
      const answer = await rawGet(td.url, bad);
      assert.match(answer, /^HTTP\/1\.1 400 /, `${JSON.stringify(bad)} is refused by the HTTP parser`);
      assert.doesNotMatch(answer, /X-Injected/i);
    }
    // On the wire a CR/LF ends the header: the rest is a header of its own, never echoed.
    const split = await rawGet(td.url, 'abc\r\nX-Injected: 1');
    assert.match(split, /^HTTP\/1\.1 200 /);
    assert.match(split, /\r\nx-request-id: abc\r\n/i);
    assert.doesNotMatch(split, /X-Injected/i);
    // Where no HTTP parser stands in front (fastify inject, a proxy that unfolds headers), the id is replaced.
    for (const bad of ['abc\r\nX-Injected: 1', 'abc\nlog-line', 'abc%0d%0aX-Injected:1']) {
      const res = await td.daemon.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': bad } });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, `a generated id replaces ${JSON.stringify(bad)}`);
      assert.equal(res.headers['x-injected'], undefined);
    }
    assert.ok(!td.logs().some((l) => /X-Injected|log-line/.test(String(l.request_id ?? ''))), 'no log line carries the injected id');
    assert.equal((await fetch(`${td.url}/healthz`)).status, 200, 'the daemon keeps answering');
  } finally {
    await td.stop();
  }
});
