import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { InputItem } from '../../../src/core/input.ts';
import { FakeTwitchServer } from './fake-twitch-server.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startTwitchDaemon, twitchStatus, type TwitchHarness } from './helpers.ts';
import { expectKind } from '../../../test/helpers/input-kind.ts';

let fake: FakeTwitchServer;
let h: TwitchHarness;

before(async () => {
  fake = await new FakeTwitchServer('vtubechan').start();
  h = await startTwitchDaemon(fake, {
    gift_window_ms: 300,
    moderation: { blocked_words: ['badword'], blocked_users: ['troll'], flood_threshold: 500 },
  });
  await fake.waitForJoins(1);
  await until(() => h.statuses.at(-1)?.state === 'connected', 5_000, 'connected status');
});

after(async () => {
  await h.td.stop();
  await fake.stop();
});

/** Sends lines, then a marker chat line, and returns the inputs queued before the marker. */
async function deliver(lines: string[]): Promise<InputItem[]> {
  const start = h.inputs.length;
  const marker = `marker-${Math.random().toString(36).slice(2)}`;
  fake.broadcast(lines);
  fake.broadcast(fake.privmsg({ userId: String(900_000 + Math.floor(Math.random() * 99_999)), login: `marker${start}`, text: marker }));
  await until(() => h.inputs.slice(start).some((i) => i.text === marker), 5_000, 'marker input');
  return h.inputs.slice(start).filter((i) => i.text !== marker);
}

test('connects anonymously, answers PING and reports connected', async () => {
  const login = fake.logins[0];
  assert.equal(login?.pass, 'SCHMOOPIIE', 'anonymous login');
  assert.match(login?.nick ?? '', /^justinfan\d+$/);
  await until(() => fake.pongs >= 1, 2_000, 'PONG');
  const status = await twitchStatus(h.td);
  assert.equal(status.state, 'connected');
  assert.equal(status.channel, 'vtubechan');
  assert.equal(status.anonymous, true);
  const admin = h.td.daemon.status.get('plugin', 'twitch');
  assert.equal(admin?.state, 'live');
});

test('a chat line becomes one chat input with the viewer id; a first-time chatter becomes first_chat', async () => {
  const got = await deliver([fake.privmsg({ userId: '1001', login: 'alice', displayName: 'Alice', text: 'hello there!' }), fake.privmsg({ userId: '1002', login: 'newbie', displayName: 'Newbie', text: 'first time here', firstMsg: true })]);
  assert.equal(got.length, 2);
  const [chat, first] = got as [InputItem, InputItem];
  assert.equal(chat.kind, 'chat');
  assert.equal(chat.text, 'hello there!');
  assert.deepEqual(chat.user, { id: 'twitch:1001', displayName: 'Alice', platform: 'twitch' });
  assert.equal(first.kind, 'first_chat');
  assert.equal(first.user.id, 'twitch:1002');
});

test('sub and resub become one input each with tier, months and message', async () => {
  const got = await deliver([
    fake.usernotice('sub', { userId: '2001', login: 'subber', displayName: 'Subber' }, { 'msg-param-cumulative-months': 1, 'msg-param-sub-plan': '1000', 'msg-param-sub-plan-name': 'Channel\\sSub' }),
    fake.usernotice('resub', { userId: '2002', login: 'loyal', displayName: 'Loyal' }, { 'msg-param-cumulative-months': 14, 'msg-param-streak-months': 3, 'msg-param-should-share-streak': 1, 'msg-param-sub-plan': '2000' }, 'fourteen months already!'),
  ]);
  assert.equal(got.length, 2);
  const [sub, resub] = got as [InputItem, InputItem];
  assert.equal(sub.kind, 'sub');
  assert.equal(sub.user.id, 'twitch:2001');
  assert.equal(expectKind(sub, 'sub').tier, 'Tier 1');
  assert.equal(resub.kind, 'resub');
  assert.equal(resub.user.id, 'twitch:2002');
  const re = expectKind(resub, 'resub');
  assert.equal(re.months, 14);
  assert.equal(re.streakMonths, 3);
  assert.equal(re.message, 'fourteen months already!');
  assert.equal(re.tier, 'Tier 2');
});

test('a gift bomb (submysterygift + 50 subgifts) becomes exactly one gift input of 50', async () => {
  const gifter = { userId: '3001', login: 'generous', displayName: 'Generous' };
  const origin = 'origin-abc-123';
  const lines = [fake.usernotice('submysterygift', gifter, { 'msg-param-mass-gift-count': 50, 'msg-param-sender-count': 120, 'msg-param-sub-plan': '1000', 'msg-param-origin-id': origin })];
  for (let i = 0; i < 50; i++) {
    lines.push(
      fake.usernotice('subgift', gifter, {
        'msg-param-recipient-id': 5000 + i,
        'msg-param-recipient-user-name': `lucky${i}`,
        'msg-param-recipient-display-name': `Lucky${i}`,
        'msg-param-months': 1,
        'msg-param-sub-plan': '1000',
        'msg-param-origin-id': origin,
        'msg-param-community-gift-id': origin,
      }),
    );
  }
  const start = h.inputs.length;
  fake.broadcast(lines);
  await until(() => h.inputs.slice(start).some((i) => i.kind === 'gift'), 3_000, 'gift input');
  // Wait past the grouping window to catch any stray second input.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const gifts = h.inputs.slice(start).filter((i) => i.kind === 'gift');
  assert.equal(gifts.length, 1, 'one reaction for the whole bomb');
  assert.equal(gifts[0]?.user.id, 'twitch:3001');
  assert.equal(expectKind(gifts[0], 'gift').count, 50);
  assert.equal(h.inputs.slice(start).length, 1, 'no other input from the bomb');
});

test('a single gifted sub becomes a gift input of one naming the recipient', async () => {
  const start = h.inputs.length;
  fake.broadcast(fake.usernotice('subgift', { userId: '3002', login: 'kind', displayName: 'Kind' }, { 'msg-param-recipient-display-name': 'Lucky', 'msg-param-recipient-user-name': 'lucky', 'msg-param-months': 1, 'msg-param-sub-plan': '1000' }));
  await until(() => h.inputs.slice(start).some((i) => i.kind === 'gift'), 3_000, 'gift input');
  const gift = h.inputs.slice(start).find((i) => i.kind === 'gift');
  assert.equal(expectKind(gift, 'gift').count, 1);
  assert.match(gift?.text ?? '', /Lucky/);
});

test('a cheer becomes one cheer input with the bits, cheermotes stripped', async () => {
  const got = await deliver([fake.privmsg({ userId: '4001', login: 'cheerful', displayName: 'Cheerful', text: 'Cheer100 Cheer50 you are great', bits: 150 })]);
  assert.equal(got.length, 1);
  assert.equal(got[0]?.kind, 'cheer');
  const cheer = expectKind(got[0], 'cheer');
  assert.equal(cheer.bits, 150);
  assert.equal(cheer.message, 'you are great');
  assert.equal(got[0]?.user.id, 'twitch:4001');
});

test('a raid becomes one raid input with the viewer count and the raider id', async () => {
  const got = await deliver([fake.usernotice('raid', { userId: '6001', login: 'raider', displayName: 'Raider' }, { 'msg-param-displayName': 'Raider', 'msg-param-login': 'raider', 'msg-param-viewerCount': 321 })]);
  assert.equal(got.length, 1);
  assert.equal(got[0]?.kind, 'raid');
  assert.equal(expectKind(got[0], 'raid').viewers, 321);
  assert.deepEqual(got[0]?.user, { id: 'twitch:6001', displayName: 'Raider', platform: 'twitch' });
});

test('bots, blocked users, blocked words and commands never reach the queue; !ask passes its question', async () => {
  const got = await deliver([
    fake.privmsg({ userId: '7001', login: 'nightbot', text: 'Follow the socials!' }),
    fake.privmsg({ userId: '7002', login: 'troll', text: 'hi' }),
    fake.privmsg({ userId: '7003', login: 'rude', text: 'you BADWORD' }),
    fake.privmsg({ userId: '7004', login: 'classy', text: 'a badwords-free line' }),
    fake.privmsg({ userId: '7005', login: 'commander', text: '!uptime' }),
    fake.privmsg({ userId: '7006', login: 'curious', text: '!ask what is your favourite food?' }),
    fake.privmsg({ userId: '7007', login: 'verbose', text: `long ${'word '.repeat(200)}` }),
  ]);
  assert.deepEqual(
    got.map((i) => i.user.id),
    ['twitch:7004', 'twitch:7006', 'twitch:7007'],
  );
  assert.equal(got[1]?.text, 'what is your favourite food?');
  assert.equal(expectKind(got[1], 'chat').command, 'ask');
  assert.ok((got[2]?.text.length ?? 0) <= 300, 'long lines are cut to max_message_length');
  const status = await twitchStatus(h.td);
  const dropped = (status.counters as { dropped: Record<string, number> }).dropped;
  assert.equal(dropped.bot, 1);
  assert.equal(dropped.blocked_user, 1);
  assert.equal(dropped.blocked_word, 1);
  assert.equal(dropped.command, 1);
});

test('a viewer over the per-user rate limit is dropped', async () => {
  const lines = Array.from({ length: 5 }, (_, i) => fake.privmsg({ userId: '8001', login: 'chatty', text: `message ${i}` }));
  const got = await deliver(lines);
  assert.equal(got.length, 3, 'per_user_messages defaults to 3 per 30 s');
});

test('a moderator deleting a message, banning a viewer or clearing chat removes their queued inputs', async () => {
  const { input } = h.td.daemon;
  const queued = (userId: string): number => input.snapshot().filter((i) => i.user.id === userId).length;
  await deliver([
    fake.privmsg({ id: 'to-delete', userId: '9001', login: 'oops', text: 'something regrettable' }),
    fake.privmsg({ userId: '9002', login: 'spammer', text: 'buy followers' }),
  ]);
  assert.equal(queued('twitch:9001'), 1);
  assert.equal(queued('twitch:9002'), 1);
  fake.broadcast(`@login=oops;room-id=100000;target-msg-id=to-delete;tmi-sent-ts=${Date.now()} :tmi.twitch.tv CLEARMSG #${fake.channel} :something regrettable`);
  fake.broadcast(`@room-id=100000;target-user-id=9002;tmi-sent-ts=${Date.now()} :tmi.twitch.tv CLEARCHAT #${fake.channel} :spammer`);
  await until(() => queued('twitch:9001') === 0 && queued('twitch:9002') === 0, 3_000, 'moderated inputs removed');
  await deliver([fake.privmsg({ userId: '9003', login: 'bystander', text: 'what happened?' })]);
  assert.ok(input.snapshot().some((i) => i.kind === 'chat'));
  fake.broadcast(`@room-id=100000;tmi-sent-ts=${Date.now()} :tmi.twitch.tv CLEARCHAT #${fake.channel}`);
  await until(() => !input.snapshot().some((i) => i.kind === 'chat' || i.kind === 'first_chat'), 3_000, 'chat cleared');
  assert.ok(input.snapshot().some((i) => i.kind === 'resub'), 'events are not chat: they stay');
});
