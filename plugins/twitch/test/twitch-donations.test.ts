import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { signDonation } from '../donations.ts';
import { startTwitchDaemon, twitchStatus, type TwitchHarness } from './helpers.ts';
import { expectKind } from '../../../test/helpers/input-kind.ts';

const SECRET_ENV = 'TWITCH_TEST_DONATION_SECRET';
const SECRET = 'shared-secret-for-tests';
let h: TwitchHarness;

before(async () => {
  process.env[SECRET_ENV] = SECRET;
  // No channel: chat is off ('disabled'), the donation webhook still works.
  h = await startTwitchDaemon(undefined, { donations: { secret_env: SECRET_ENV, tolerance_s: 60 }, moderation: { blocked_words: ['badword'] } });
});

after(async () => {
  delete process.env[SECRET_ENV];
  await h.td.stop();
});

function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${h.td.url}/api/twitch/donation`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

function signed(body: string, opts: { secret?: string; timestamp?: number } = {}): Record<string, string> {
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  return { 'x-signature-timestamp': ts, 'x-signature': signDonation(opts.secret ?? SECRET, ts, body) };
}

test('without a channel the status is disabled and the plugin still serves its routes', async () => {
  const status = await twitchStatus(h.td);
  assert.equal(status.state, 'disabled');
  assert.equal(status.channel, null);
  assert.equal(status.donations, 'enabled');
  assert.equal(h.td.daemon.status.get('plugin', 'twitch')?.info?.connection, 'disabled');
});

test('a correctly signed donation is accepted and becomes one donation input', async () => {
  const before = h.inputs.length;
  const body = JSON.stringify({ id: 'don-1', name: 'Big Fan', amount: 25, currency: 'usd', message: 'keep it up!' });
  const res = await post(body, signed(body));
  assert.equal(res.status, 202);
  const json = (await res.json()) as { accepted: boolean; inputId: string };
  assert.equal(json.accepted, true);
  const got = h.inputs.slice(before);
  assert.equal(got.length, 1);
  assert.equal(got[0]?.kind, 'donation');
  assert.equal(got[0]?.id, json.inputId);
  const donation = expectKind(got[0], 'donation');
  assert.equal(donation.amount, 25);
  assert.equal(donation.currency, 'USD');
  assert.equal(donation.message, 'keep it up!');
  assert.deepEqual(got[0]?.user, { id: 'webhook:big_fan', displayName: 'Big Fan', platform: 'webhook' });
});

test('a donation naming a Twitch user id is attributed to that viewer; a blocked word removes the message', async () => {
  const before = h.inputs.length;
  const body = JSON.stringify({ id: 'don-2', name: 'Viewer', amount: 5.5, currency: 'EUR', message: 'say badword', twitch_user_id: '123456' });
  const res = await post(body, signed(body));
  assert.equal(res.status, 202);
  const item = h.inputs[before];
  assert.equal(item?.user.id, 'twitch:123456');
  assert.equal(expectKind(item, 'donation').message, '');
  assert.doesNotMatch(item?.text ?? '', /badword/);
});

test('a wrong or missing signature gets 401 and queues nothing', async () => {
  const before = h.inputs.length;
  const body = JSON.stringify({ id: 'don-3', name: 'Mallory', amount: 1000, currency: 'USD' });
  const wrong = await post(body, signed(body, { secret: 'not-the-secret' }));
  assert.equal(wrong.status, 401);
  assert.equal(((await wrong.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
  const missing = await post(body, {});
  assert.equal(missing.status, 401);
  // A valid signature over a different body must not pass either.
  const tampered = await post(body.replace('1000', '9999'), signed(body));
  assert.equal(tampered.status, 401);
  assert.equal(h.inputs.length, before);
});

test('a replay is refused: the same id again gets 409, an old timestamp gets 401', async () => {
  const body = JSON.stringify({ id: 'don-4', name: 'Once', amount: 3, currency: 'GBP' });
  const headers = signed(body);
  assert.equal((await post(body, headers)).status, 202);
  const before = h.inputs.length;
  const again = await post(body, headers);
  assert.equal(again.status, 409);
  assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'DUPLICATE_EVENT');
  const stale = JSON.stringify({ id: 'don-5', name: 'Late', amount: 3, currency: 'GBP' });
  const old = await post(stale, signed(stale, { timestamp: Math.floor(Date.now() / 1000) - 3_600 }));
  assert.equal(old.status, 401);
  assert.equal(h.inputs.length, before);
});

test('a malformed body gets 400', async () => {
  const notJson = '{"name": "Broken", ';
  const r1 = await post(notJson, signed(notJson));
  assert.equal(r1.status, 400);
  assert.equal(((await r1.json()) as { error: { code: string } }).error.code, 'BAD_JSON');
  const badAmount = JSON.stringify({ name: 'Neg', amount: -5, currency: 'USD' });
  const r2 = await post(badAmount, signed(badAmount));
  assert.equal(r2.status, 400);
  const body = (await r2.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'BAD_MESSAGE');
  assert.match(body.error.message, /amount/);
  const extra = JSON.stringify({ name: 'X', amount: 1, currency: 'USD', admin: true });
  assert.equal((await post(extra, signed(extra))).status, 400);
});

test('a donation keeps the request id it came with: the input and its queue log line carry it', async () => {
  const before = h.inputs.length;
  const body = JSON.stringify({ id: 'don-trace', name: 'Tracer', amount: 3, currency: 'usd' });
  const res = await post(body, { ...signed(body), 'x-request-id': 'donation-req-42' });
  assert.equal(res.status, 202);
  assert.equal(h.inputs.slice(before)[0]?.requestId, 'donation-req-42');
  const queued = h.td.logs().find((l) => l.event === 'input.queued' && l.request_id === 'donation-req-42');
  assert.ok(queued, 'the queue line carries request_id');
  assert.equal(queued.kind, 'donation');
});
