import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_AUTH_FAILURES_PER_MINUTE } from '../../src/server/admin-auth.ts';
import { AuthFailureLimiter, tokensEqual } from '../../src/server/tokens.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

test('failed admin logins are limited per address; the right token is never locked out', async () => {
  const td = await startTestDaemon({ env: { VTUBER_ADMIN_TOKEN: 'right-token-123' } });
  try {
    const get = (auth?: string): Promise<Response> => fetch(`${td.url}/admin/status`, { headers: auth ? { authorization: auth } : {} });
    const codes: number[] = [];
    for (let i = 0; i < ADMIN_AUTH_FAILURES_PER_MINUTE + 5; i++) codes.push((await get(i % 2 ? 'Bearer wrong' : undefined)).status);
    assert.deepEqual(codes.slice(0, ADMIN_AUTH_FAILURES_PER_MINUTE), Array(ADMIN_AUTH_FAILURES_PER_MINUTE).fill(401));
    assert.deepEqual(codes.slice(ADMIN_AUTH_FAILURES_PER_MINUTE), Array(5).fill(429));
    const limited = await get('Bearer wrong');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    const right = await get('Bearer right-token-123');
    assert.equal(right.status, 200, 'the holder of the right token still gets in');
  } finally {
    await td.stop();
  }
});

test('the failure window slides: old failures stop counting', () => {
  let now = 0;
  const limiter = new AuthFailureLimiter(3, 60_000, () => now);
  for (let i = 0; i < 3; i++) limiter.fail('1.2.3.4');
  assert.equal(limiter.blockedFor('1.2.3.4'), 60);
  assert.equal(limiter.blockedFor('5.6.7.8'), undefined, 'other addresses are not affected');
  now = 30_000;
  assert.equal(limiter.blockedFor('1.2.3.4'), 30);
  now = 60_001;
  assert.equal(limiter.blockedFor('1.2.3.4'), undefined);
});

test('token comparison: equal, different, different length, empty', () => {
  assert.equal(tokensEqual('abc', 'abc'), true);
  assert.equal(tokensEqual('abd', 'abc'), false);
  assert.equal(tokensEqual('abc', 'abcd'), false);
  assert.equal(tokensEqual('', 'abc'), false);
  assert.equal(tokensEqual('ключ', 'ключ'), true);
});

test('wrong websocket input tokens are limited per address; the right token is never locked out', async () => {
  const td = await startTestDaemon({ config: { server: { input_auth: 'always' } }, env: { VTUBER_INPUT_TOKEN: 'input-token-456' } });
  const wsUrl = td.url.replace(/^http/, 'ws') + '/ws';
  const guesser = await TestClient.connect(wsUrl);
  const holder = await TestClient.connect(wsUrl);
  try {
    const codes: string[] = [];
    for (let i = 0; i < ADMIN_AUTH_FAILURES_PER_MINUTE + 3; i++) {
      const from = guesser.messages.length;
      guesser.send({ type: 'auth', token: `guess-${i}` });
      const m = await guesser.waitFor((x) => x.type === 'error', 5000, from);
      codes.push(String(m.code));
    }
    assert.deepEqual(codes.slice(0, ADMIN_AUTH_FAILURES_PER_MINUTE), Array(ADMIN_AUTH_FAILURES_PER_MINUTE).fill('UNAUTHORIZED'));
    assert.deepEqual(codes.slice(ADMIN_AUTH_FAILURES_PER_MINUTE), Array(3).fill('RATE_LIMITED'));
    const fresh = await TestClient.connect(wsUrl);
    const from = fresh.messages.length;
    fresh.send({ type: 'auth', token: 'wrong-again' });
    assert.equal((await fresh.waitFor((x) => x.type === 'error', 5000, from)).code, 'RATE_LIMITED', 'a new connection from the same address is still limited');
    await fresh.close();
    holder.send({ type: 'auth', token: 'input-token-456' });
    await holder.waitFor((x) => x.type === 'ack' && x.ref === 'auth');
    guesser.send({ type: 'auth', token: 'input-token-456' });
    await guesser.waitFor((x) => x.type === 'ack' && x.ref === 'auth');
  } finally {
    await guesser.close();
    await holder.close();
    await td.stop();
  }
});
