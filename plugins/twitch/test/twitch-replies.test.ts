import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeTwitchServer } from './fake-twitch-server.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startTwitchDaemon, twitchStatus } from './helpers.ts';

test('with a token the bot logs in, answers chat within its rate limit, and a server RECONNECT gives exactly one new connection', async () => {
  const envName = 'TWITCH_TEST_GOOD_TOKEN';
  process.env[envName] = 'goodtoken123';
  const fake = await new FakeTwitchServer('replychan', { acceptPass: (pass) => pass === 'oauth:goodtoken123' }).start();
  const h = await startTwitchDaemon(fake, { bot_username: 'ReplyBot', oauth_token_env: envName, replies: { enabled: true, max_messages: 2, window_ms: 60_000 } });
  try {
    await until(() => h.statuses.at(-1)?.state === 'connected', 5_000, 'connected');
    assert.equal(fake.logins[0]?.pass, 'oauth:goodtoken123', 'the oauth: prefix is added');
    assert.equal(fake.logins[0]?.nick, 'replybot');
    const status = await twitchStatus(h.td);
    assert.equal(status.anonymous, false);

    fake.broadcast(fake.privmsg({ userId: '11', login: 'asker', displayName: 'Asker', text: 'how are you?' }));
    await until(() => h.inputs.some((i) => i.kind === 'chat'), 3_000, 'chat input');
    const chat = h.inputs.find((i) => i.kind === 'chat');
    assert.ok(chat);
    const { bus } = h.td.daemon;
    const done = (replyText: string, input = chat) => bus.emit('agent.reply_done', { turnId: `t-${replyText}`, input, replyText, heardText: replyText, interrupted: false, emotions: [] });
    done('[emotion:happy] I am great, thanks!');
    done('Second reply.');
    done('Third reply is over the limit.');
    done('Not for Twitch.', { ...chat, user: { id: 'local:streamer', displayName: 'Streamer', platform: 'local' } });
    await until(() => fake.said.length >= 2, 3_000, 'replies in chat');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(fake.said, ['@asker I am great, thanks!', '@asker Second reply.']);
    const counters = (await twitchStatus(h.td)).counters as { repliesSent: number; repliesSkipped: number };
    assert.equal(counters.repliesSent, 2);
    assert.equal(counters.repliesSkipped, 1);

    // Twitch asks clients to reconnect before a server restart; tmi.js would reconnect on its own too.
    const before = fake.connections.length;
    fake.broadcast(':tmi.twitch.tv RECONNECT');
    await fake.waitForJoins(2, 5_000);
    await until(() => h.statuses.at(-1)?.state === 'connected', 5_000, 'connected again');
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    assert.equal(fake.connections.length, before + 1, 'exactly one new connection');
  } finally {
    delete process.env[envName];
    await h.td.stop();
    await fake.stop();
  }
});
