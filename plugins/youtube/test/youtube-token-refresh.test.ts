// OAuth with a refresh token: the plugin gets its own access tokens from a fake Google token endpoint
// (fake-google-token.ts, written from "Using OAuth 2.0 for Web Server Applications" → "Refreshing an
// access token (offline access)") and renews them before they expire or after YouTube refuses one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { FakeGoogleToken } from './fake-google-token.ts';
import { FakeYoutubeApi, type FakeAuthor } from './fake-youtube-api.ts';
import { startYoutubeDaemon, testEnv, youtubeStatus } from './youtube-harness.ts';

const viewers = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay'].map((name) => ({ channelId: `UC${name.toLowerCase()}${'x'.repeat(19)}`, displayName: name }));
const viewer = (i: number): FakeAuthor => viewers[i] as FakeAuthor;
const moderation = { per_user_messages: 50 };

async function fakes(expiresIn = 3599): Promise<{ yt: FakeYoutubeApi; google: FakeGoogleToken; stop(): Promise<void> }> {
  const yt = new FakeYoutubeApi();
  const google = new FakeGoogleToken();
  google.expiresIn = expiresIn;
  yt.tokenCheck = (token) => google.valid(token);
  await yt.start();
  await google.start();
  return { yt, google, stop: async () => void (await Promise.all([yt.stop(), google.stop()])) };
}

const refreshSecrets = (google: FakeGoogleToken) => ({ clientId: google.clientId, clientSecret: google.clientSecret, refreshToken: google.refreshToken });
const chatTexts = (inputs: ReadonlyArray<{ kind: string; text: string }>): string[] => inputs.filter((i) => i.kind === 'chat').map((i) => i.text);

test('with only refresh credentials: one refresh at start with the documented form, then chat arrives', async () => {
  const { yt, google, stop } = await fakes();
  const h = await startYoutubeDaemon(yt, { token_url: google.url, moderation }, refreshSecrets(google));
  try {
    await until(() => yt.callsTo('liveChat/messages').length >= 1, 5_000, 'polling');
    yt.text(viewer(0), 'hello with a refreshed token');
    await until(() => chatTexts(h.inputs).includes('hello with a refreshed token'), 5_000, 'chat');
    assert.equal(google.requests.length, 1, 'one refresh');
    assert.match(google.requests[0]?.contentType ?? '', /^application\/x-www-form-urlencoded/);
    assert.deepEqual(google.requests[0]?.form, { client_id: google.clientId, client_secret: google.clientSecret, refresh_token: google.refreshToken, grant_type: 'refresh_token' });
    assert.equal(google.tokens.length, 1);
    assert.ok(yt.calls.every((c) => c.authorization === `Bearer ${google.tokens[0]}`), 'every API call carries the new access token');
    assert.ok(yt.callsTo('liveBroadcasts').length >= 1, 'found the active broadcast as OAuth');
    assert.equal(yt.unauthorized, 0);
    const s = await youtubeStatus(h.td);
    assert.equal(s.auth, 'oauth_refresh');
    assert.equal(s.tokenRefreshes, 1);
    for (const secret of [google.clientSecret, google.refreshToken, ...google.tokens]) assert.ok(!JSON.stringify(s).includes(secret));
  } finally {
    await h.stop();
    await stop();
  }
});

test('a short lifetime (expires_in 2 s) is renewed before it runs out: no 401, chat keeps arriving', async () => {
  const { yt, google, stop } = await fakes(2);
  const h = await startYoutubeDaemon(yt, { video_id: yt.videoId, token_url: google.url, moderation }, refreshSecrets(google));
  try {
    await until(() => google.requests.length >= 4, 8_000, 'three renewals after the first token');
    yt.text(viewer(1), 'still here after three tokens');
    await until(() => chatTexts(h.inputs).includes('still here after three tokens'), 5_000, 'chat');
    assert.equal(yt.unauthorized, 0, 'each token was replaced before it expired');
    assert.ok(new Set(yt.callsTo('liveChat/messages').map((c) => c.authorization)).size >= 3, 'polls moved on to the new tokens');
  } finally {
    await h.stop();
    await stop();
  }
});

test('YouTube refuses the old token (expired early): one refresh, the same page asked again, no message lost or doubled', async () => {
  const { yt, google, stop } = await fakes();
  const h = await startYoutubeDaemon(yt, { video_id: yt.videoId, token_url: google.url, moderation }, refreshSecrets(google));
  try {
    await until(() => yt.callsTo('liveChat/messages').length >= 1, 5_000, 'polling');
    const texts = viewers.map((v) => `line from ${v.displayName}`);
    for (const [i, v] of viewers.slice(0, 3).entries()) yt.text(v, texts[i] ?? '');
    await until(() => chatTexts(h.inputs).length >= 3, 5_000, 'three lines with the first token');
    google.expireAll();
    for (const [i, v] of viewers.slice(3).entries()) yt.text(v, texts[i + 3] ?? '');
    await until(() => chatTexts(h.inputs).length >= 6, 5_000, 'three more lines after the 401');
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(chatTexts(h.inputs), texts, 'each line once, in order');
    assert.equal(yt.unauthorized, 1, 'one 401');
    assert.equal(google.requests.length, 2, 'one refresh after the 401');
    const [first, second] = google.tokens;
    const polls = yt.callsTo('liveChat/messages');
    const refused = polls.filter((c) => c.authorization === `Bearer ${first}`).at(-1);
    const retried = polls.find((c) => c.authorization === `Bearer ${second}`);
    assert.ok(refused && retried);
    assert.equal(retried.query.pageToken, refused.query.pageToken, 'the refused page is asked for again');
    assert.equal(yt.tooSoon, 0);
    assert.equal((await youtubeStatus(h.td)).state, 'polling');
  } finally {
    await h.stop();
    await stop();
  }
});

test('a revoked refresh token: auth_failed names the env var, no tight loop, and no secret in any log line', async () => {
  const { yt, google, stop } = await fakes();
  const h = await startYoutubeDaemon(yt, { video_id: yt.videoId, token_url: google.url, moderation }, refreshSecrets(google));
  try {
    await until(() => yt.callsTo('liveChat/messages').length >= 1, 5_000, 'polling');
    google.revoked = true;
    google.expireAll();
    await until(() => h.states.includes('auth_failed'), 5_000, 'auth_failed');
    const s = await youtubeStatus(h.td);
    assert.match(String(s.detail), new RegExp(`invalid_grant.*check ${testEnv('REFRESH', h.n)}\\b`));
    assert.equal(h.td.daemon.status.get('plugin', 'youtube')?.state, 'degraded');
    const refreshes = google.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(google.requests.length - refreshes <= 1, 'no tight retry loop (auth_retry_ms is 500 here)');
    google.revoked = false;
    yt.text(viewer(2), 'back after a new grant');
    await until(() => chatTexts(h.inputs).includes('back after a new grant'), 5_000, 'chat after auth_retry_ms');
    const lines = [...h.td.logs().map((l) => JSON.stringify(l)), ...h.td.fileLogs()];
    assert.ok(lines.some((l) => l.includes('youtube.auth_failed') && l.includes('invalid_grant')));
    assert.ok(lines.some((l) => l.includes('youtube.token_refreshed')));
    const secrets = [google.clientSecret, google.refreshToken, ...google.tokens];
    assert.ok(google.tokens.length >= 2);
    for (const line of lines) for (const secret of secrets) assert.ok(!line.includes(secret), `secret leaked: ${line.slice(0, 200)}`);
    for (const secret of secrets) assert.ok(!JSON.stringify(await youtubeStatus(h.td)).includes(secret));
  } finally {
    await h.stop();
  }
  const wrongSecret = 'GOCSPX-wrong-secret-0000';
  const bad = await startYoutubeDaemon(yt, { video_id: yt.videoId, token_url: google.url }, { ...refreshSecrets(google), clientSecret: wrongSecret });
  try {
    await until(() => bad.states.includes('auth_failed'), 5_000, 'auth_failed for invalid_client');
    assert.match(String((await youtubeStatus(bad.td)).detail), new RegExp(`invalid_client.*${testEnv('CLIENT_ID', bad.n)} and ${testEnv('CLIENT_SECRET', bad.n)}`));
    for (const line of [...bad.td.logs().map((l) => JSON.stringify(l)), ...bad.td.fileLogs()]) assert.ok(!line.includes(wrongSecret) && !line.includes(google.refreshToken));
  } finally {
    await bad.stop();
    await stop();
  }
});

test('the token endpoint unreachable: retried with backoff and the status says so, then chat arrives', async () => {
  const { yt, google, stop } = await fakes();
  const port = google.port;
  await google.stop();
  const h = await startYoutubeDaemon(yt, { video_id: yt.videoId, token_url: google.url, moderation }, refreshSecrets(google));
  try {
    await until(() => h.states.includes('retrying'), 5_000, 'retrying');
    assert.match(String((await youtubeStatus(h.td)).detail), /OAuth token refresh failed \(network\); retrying in/);
    assert.equal(yt.calls.length, 0, 'no API call without a token');
    await google.start(port);
    yt.text(viewer(4), 'the token endpoint is back');
    await until(() => chatTexts(h.inputs).includes('the token endpoint is back'), 5_000, 'chat');
    assert.equal(google.requests.length, 1);
  } finally {
    await h.stop();
    await stop();
  }
});
