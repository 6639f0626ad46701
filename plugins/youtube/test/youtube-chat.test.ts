// YouTube live chat against a fake YouTube Data API v3 written from developers.google.com/youtube/v3
// (liveChatMessages.list paging and pollingIntervalMillis, liveChatMessage resource types, error reasons).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isInputOf } from '../../../src/core/input.ts';
import { FakeYoutubeApi } from './fake-youtube-api.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startYoutubeDaemon, youtubeStatus, type YoutubeHarness } from './youtube-harness.ts';

const alice = { channelId: 'UCaliceaaaaaaaaaaaaaaaaa', displayName: 'Alice' };
const boris = { channelId: 'UCborisbbbbbbbbbbbbbbbbb', displayName: 'Борис' };
const nightbot = { channelId: 'UCnightbotnnnnnnnnnnnnnn', displayName: 'Nightbot' };

describe('YouTube live chat: messages, Super Chats, memberships', () => {
  let fake: FakeYoutubeApi;
  let h: YoutubeHarness;

  before(async () => {
    fake = new FakeYoutubeApi();
    await fake.start();
    fake.text(alice, 'this was said before the plugin started');
    h = await startYoutubeDaemon(fake, { video_id: fake.videoId, moderation: { blocked_words: ['spoiler', 'дурак'], per_user_messages: 50 } });
    await until(() => fake.callsTo('liveChat/messages').length >= 2, 5_000, 'two polls');
  });

  after(async () => {
    await h?.stop();
    await fake?.stop();
  });

  test('finds the chat from the video, skips the backlog, pages with nextPageToken at pollingIntervalMillis', async () => {
    assert.equal(fake.callsTo('videos')[0]?.query.id, fake.videoId);
    assert.equal(h.inputs.length, 0, 'chat from before the start is not answered');
    await until(() => fake.callsTo('liveChat/messages').length >= 5, 5_000, 'five polls');
    const polls = fake.callsTo('liveChat/messages');
    assert.equal(polls[0]?.query.pageToken, undefined);
    assert.equal(polls[1]?.query.pageToken, 'page-1', 'the next request carries nextPageToken');
    for (let i = 1; i < polls.length; i++) assert.ok((polls[i] as { at: number }).at - (polls[i - 1] as { at: number }).at >= fake.pollingIntervalMillis * 0.95, 'waits pollingIntervalMillis between polls');
    assert.equal(fake.tooSoon, 0);
    const status = await youtubeStatus(h.td);
    assert.equal(status.state, 'polling');
    assert.equal(status.pollingIntervalMs, 300);
    assert.ok(Number(status.quotaUnitsUsed) >= 5 * polls.length, 'quota is counted (5 units a poll)');
    assert.ok(!JSON.stringify(status).includes(fake.apiKey));
  });

  test('text messages become chat, in English and Russian, with the same moderation as Twitch', async () => {
    const from = h.inputs.length;
    fake.text(alice, 'hello from youtube!');
    fake.text(boris, 'привет, как дела?');
    fake.text(alice, 'no spoiler please');
    fake.text(boris, 'ты дурак');
    fake.text(nightbot, 'Follow the channel!');
    fake.text(alice, '!dice');
    fake.text(alice, '!ask what is your favourite song');
    await until(() => h.inputs.length >= from + 3, 5_000, 'three chat inputs');
    await new Promise((r) => setTimeout(r, 500));
    const chats = h.inputs.slice(from).filter((i) => isInputOf(i, 'chat'));
    assert.deepEqual(chats.map((c) => c.text), ['hello from youtube!', 'привет, как дела?', 'what is your favourite song']);
    assert.deepEqual(chats.map((c) => c.user), [
      { id: `youtube:${alice.channelId}`, displayName: 'Alice', platform: 'youtube' },
      { id: `youtube:${boris.channelId}`, displayName: 'Борис', platform: 'youtube' },
      { id: `youtube:${alice.channelId}`, displayName: 'Alice', platform: 'youtube' },
    ]);
    assert.ok(chats.every((c) => c.source === 'youtube' && c.sourceMessageId?.startsWith('LCC.')));
    const status = await youtubeStatus(h.td);
    const dropped = (status.counters as { dropped: Record<string, number> }).dropped;
    assert.equal(dropped.blocked_word, 2, 'blocked words in English and Russian');
    assert.equal(dropped.blocked_user, 1, 'Nightbot is ignored');
    assert.equal(dropped.command, 1);
  });

  test('Super Chats and Super Stickers carry amount and currency; members and milestones become membership', async () => {
    const from = h.inputs.length;
    fake.post('superChatEvent', alice, { superChatDetails: { amountMicros: '5000000', currency: 'USD', amountDisplayString: '$5.00', userComment: 'love the stream', tier: 2 } });
    fake.post('superStickerEvent', boris, { superStickerDetails: { superStickerMetadata: { stickerId: 'st1', altText: 'Котик машет лапой', language: 'ru' }, amountMicros: '199000000', currency: 'RUB', amountDisplayString: '₽199.00', tier: 1 } });
    fake.post('newSponsorEvent', boris, { newSponsorDetails: { memberLevelName: 'Fan club', isUpgrade: false } });
    fake.post('memberMilestoneChatEvent', alice, { memberMilestoneChatDetails: { memberLevelName: 'Fan club', memberMonth: 6, userComment: 'half a year!' } });
    fake.post('membershipGiftingEvent', alice, { membershipGiftingDetails: { giftMembershipsCount: 5, giftMembershipsLevelName: 'Fan club' } });
    await until(() => h.inputs.length >= from + 5, 5_000, 'five event inputs');
    const got = h.inputs.slice(from);
    const sc = got.find((i) => isInputOf(i, 'super_chat') && i.user.displayName === 'Alice');
    assert.ok(sc && isInputOf(sc, 'super_chat'));
    assert.equal(sc.amount, 5);
    assert.equal(sc.currency, 'USD');
    assert.equal(sc.message, 'love the stream');
    assert.equal(sc.donationId, sc.sourceMessageId);
    assert.match(sc.text, /Super Chat of \$5\.00/);
    const sticker = got.find((i) => isInputOf(i, 'super_chat') && i.user.displayName === 'Борис');
    assert.ok(sticker && isInputOf(sticker, 'super_chat'));
    assert.equal(sticker.amount, 199);
    assert.equal(sticker.currency, 'RUB');
    assert.equal(sticker.sticker, 'Котик машет лапой');
    const member = got.find((i) => isInputOf(i, 'membership') && i.months === undefined);
    assert.ok(member && isInputOf(member, 'membership'));
    assert.equal(member.level, 'Fan club');
    const milestone = got.find((i) => isInputOf(i, 'membership') && i.months === 6);
    assert.ok(milestone && isInputOf(milestone, 'membership'));
    assert.equal(milestone.message, 'half a year!');
    const gift = got.find((i) => isInputOf(i, 'gift'));
    assert.ok(gift && isInputOf(gift, 'gift'));
    assert.equal(gift.count, 5);
  });

  test('a deleted message and a banned viewer are taken back out of the queue', async () => {
    const id = fake.text(boris, 'a line the moderators will delete');
    await until(() => h.td.daemon.input.snapshot().some((q) => q.sourceMessageId === id), 5_000, 'queued');
    fake.post('messageDeletedEvent', { channelId: 'UCmodmmmmmmmmmmmmmmmmmmm', displayName: 'Mod' }, { messageDeletedDetails: { deletedMessageId: id } });
    await until(() => !h.td.daemon.input.snapshot().some((q) => q.sourceMessageId === id), 5_000, 'removed after delete');
    fake.text(alice, 'something alice says');
    await until(() => h.td.daemon.input.snapshot().some((q) => q.user.id === `youtube:${alice.channelId}` && q.text === 'something alice says'), 5_000, 'queued');
    fake.post('userBannedEvent', { channelId: 'UCmodmmmmmmmmmmmmmmmmmmm', displayName: 'Mod' }, { userBannedDetails: { bannedUserDetails: { channelId: alice.channelId }, banType: 'permanent' } });
    await until(() => !h.td.daemon.input.snapshot().some((q) => q.user.id === `youtube:${alice.channelId}`), 5_000, 'removed after ban');
  });
});

describe('YouTube chat floods are batched like Twitch chat', () => {
  test('a burst of messages becomes one chat_batch from "YouTube chat"', async () => {
    const fake = new FakeYoutubeApi();
    await fake.start();
    const h = await startYoutubeDaemon(fake, { video_id: fake.videoId, moderation: { flood_threshold: 5, flood_window_ms: 5_000, batch_interval_ms: 400, per_user_messages: 100 } });
    try {
      await until(() => fake.callsTo('liveChat/messages').length >= 1, 5_000, 'first poll');
      for (let i = 0; i < 30; i++) fake.text({ channelId: `UCviewer${String(i).padStart(16, '0')}`, displayName: `viewer${i}` }, `pog pog ${i}`);
      await until(() => h.inputs.some((i) => i.kind === 'chat_batch'), 5_000, 'a chat batch');
      const batch = h.inputs.find((i) => isInputOf(i, 'chat_batch'));
      assert.ok(batch && isInputOf(batch, 'chat_batch'));
      assert.equal(batch.user.id, 'youtube:chat');
      assert.equal(batch.source, 'youtube');
      assert.equal(batch.topic, 'pog');
      assert.ok(batch.count >= 20);
      assert.ok(h.inputs.filter((i) => i.kind === 'chat').length <= 6, 'single lines stop once the flood is detected');
    } finally {
      await h.stop();
      await fake.stop();
    }
  });
});
