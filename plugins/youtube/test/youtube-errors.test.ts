// Finding the stream, quotaExceeded, a rejected key or token, a chat that ends and a server that goes
// away, against the fake YouTube Data API (developers.google.com/youtube/v3 "Errors", "Quota costs",
// search.list, liveBroadcasts.list).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeYoutubeApi } from './fake-youtube-api.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startYoutubeDaemon, youtubeStatus } from './youtube-harness.ts';

const viewer = { channelId: 'UCviewervvvvvvvvvvvvvvvv', displayName: 'Viewer' };

test('quotaExceeded is reported in the status (plugin and /admin/status), then polling resumes', async () => {
  const fake = new FakeYoutubeApi();
  await fake.start();
  const h = await startYoutubeDaemon(fake, { video_id: fake.videoId });
  try {
    await until(() => fake.callsTo('liveChat/messages').length >= 1, 5_000, 'first poll');
    fake.quota = 0;
    await until(() => h.states.includes('quota_exceeded'), 5_000, 'quota_exceeded state');
    const s = await youtubeStatus(h.td);
    assert.equal(s.state, 'quota_exceeded');
    assert.match(String(s.detail), /quota exceeded/i);
    const entry = h.td.daemon.status.get('plugin', 'youtube');
    assert.equal(entry?.state, 'degraded');
    assert.equal(entry?.info?.connection, 'quota_exceeded');
    const calls = fake.calls.length;
    await new Promise((r) => setTimeout(r, 250));
    assert.ok(fake.calls.length - calls <= 1, 'no hammering while the quota is gone');
    fake.quota = 100_000;
    fake.text(viewer, 'back again');
    await until(() => h.inputs.some((i) => i.text === 'back again'), 5_000, 'chat after the quota came back');
    assert.equal((await youtubeStatus(h.td)).state, 'polling');
  } finally {
    await h.stop();
    await fake.stop();
  }
});

test('a bad API key: auth_failed names the env var, and the key is in no log line', async () => {
  const fake = new FakeYoutubeApi();
  await fake.start();
  const badKey = 'AIzaBADbadBADbadBADbad0123456789';
  const h = await startYoutubeDaemon(fake, { video_id: fake.videoId }, { key: badKey });
  try {
    await until(() => h.states.includes('auth_failed'), 5_000, 'auth_failed');
    const s = await youtubeStatus(h.td);
    assert.match(String(s.detail), /API key.*keyInvalid.*YT_TEST_KEY_/);
    assert.equal(s.auth, 'api_key');
    const lines = [...h.td.logs().map((l) => JSON.stringify(l)), ...h.td.fileLogs()];
    assert.ok(lines.some((l) => l.includes('youtube.auth_failed')));
    for (const line of lines) assert.ok(!line.includes(badKey), `key leaked: ${line.slice(0, 200)}`);
    assert.ok(!JSON.stringify(s).includes(badKey));
  } finally {
    await h.stop();
    await fake.stop();
  }
});

test('a bad OAuth token is refused the same way, and a good one finds the active broadcast', async () => {
  const fake = new FakeYoutubeApi();
  await fake.start();
  const bad = await startYoutubeDaemon(fake, {}, { oauth: 'ya29.wrong-token-xyz' });
  try {
    await until(() => bad.states.includes('auth_failed'), 5_000, 'auth_failed');
    assert.match(String((await youtubeStatus(bad.td)).detail), /OAuth token.*authError/);
    for (const line of bad.td.logs().map((l) => JSON.stringify(l))) assert.ok(!line.includes('ya29.wrong-token-xyz'));
  } finally {
    await bad.stop();
  }
  const good = await startYoutubeDaemon(fake, {}, { oauth: fake.oauthToken });
  try {
    await until(() => fake.callsTo('liveChat/messages').length >= 1, 5_000, 'polling');
    const broadcasts = fake.callsTo('liveBroadcasts');
    assert.equal(broadcasts.at(-1)?.query.broadcastStatus, 'active');
    assert.equal(broadcasts.at(-1)?.authorization, `Bearer ${fake.oauthToken}`);
    assert.equal(fake.callsTo('liveChat/messages').at(-1)?.query.key, undefined, 'the token, not a key, is sent');
  } finally {
    await good.stop();
    await fake.stop();
  }
});

test('with a channel id: waits for the stream to go live, then finds it by search; a chat that ends is looked up again', async () => {
  const fake = new FakeYoutubeApi();
  fake.live = false;
  await fake.start();
  const h = await startYoutubeDaemon(fake, { channel_id: fake.channelId });
  try {
    await until(() => h.states.includes('waiting_for_live'), 5_000, 'waiting_for_live');
    assert.match(String((await youtubeStatus(h.td)).detail), /no live stream/);
    fake.live = true;
    await until(() => fake.callsTo('liveChat/messages').length >= 1, 5_000, 'polling after going live');
    assert.equal(fake.callsTo('search').at(-1)?.query.channelId, fake.channelId);
    assert.equal(fake.callsTo('search').at(-1)?.query.eventType, 'live');
    const finds = fake.callsTo('videos').length;
    fake.ended = true;
    await until(() => fake.callsTo('videos').length > finds, 5_000, 'the chat is looked up again after liveChatEnded');
    fake.ended = false;
    fake.text(viewer, 'new stream, new chat');
    await until(() => h.inputs.some((i) => i.text === 'new stream, new chat'), 5_000, 'chat on the new page');
  } finally {
    await h.stop();
    await fake.stop();
  }
});

test('the API going away is retried with backoff, and the daemon keeps running', async () => {
  const fake = new FakeYoutubeApi();
  await fake.start();
  const h = await startYoutubeDaemon(fake, { video_id: fake.videoId });
  try {
    await until(() => fake.callsTo('liveChat/messages').length >= 1, 5_000, 'first poll');
    const port = fake.port;
    await fake.stop();
    await until(() => h.states.includes('retrying'), 5_000, 'retrying');
    assert.match(String((await youtubeStatus(h.td)).detail), /retrying/);
    await fake.start(port);
    fake.text(viewer, 'the API is back');
    await until(() => h.inputs.some((x) => x.text === 'the API is back'), 10_000, 'chat after the API came back');
    assert.equal(h.td.daemon.status.get('plugin', 'youtube')?.info?.connection, 'polling');
  } finally {
    await h.stop();
    await fake.stop();
  }
});
