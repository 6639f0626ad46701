// StreamElements tips through the Astro websocket gateway, against test/fake-astro.ts, which follows
// StreamElements' docs (https://dev.streamelements.com/docs/api-docs/; github.com/StreamElements/docs
// docs/websockets/index.md and topics/channel-tips.md). Astro is used, not the socket.io realtime API:
// it is the gateway StreamElements documents today.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isInputOf } from '../../../src/core/input.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { FakeAstro } from './fake-astro.ts';
import { allLogText, donationsStatus, startDonationsDaemon, waitForState, type DonationsHarness } from './donations-harness.ts';

const GOOD = 'se-good-jwt-token-A1b2C3';
const BAD = 'se-bad-jwt-token-Z9y8X7';

describe('StreamElements (Astro gateway)', () => {
  let fake: FakeAstro;
  let h: DonationsHarness;

  before(async () => {
    fake = new FakeAstro();
    await fake.start();
    h = await startDonationsDaemon({ streamelements: { url: fake.url }, moderation: { blocked_words: ['spoiler', 'спойлер'] } }, { streamelements: GOOD });
  });

  after(async () => {
    await h?.stop();
    await fake?.stop();
  });

  test('a tip becomes a donation input with amount, currency, name and message; the same id twice is one input', async () => {
    await waitForState(h.td, 'streamelements', 'connected');
    assert.deepEqual(fake.subscribes.at(-1), { topic: 'channel.tips', token_type: 'jwt', ok: true });
    fake.tip({ id: '67b5f39d07ecd4c594e60f73', username: 'Styler', amount: 4.2, currency: 'USD', message: 'Great stream!' });
    fake.tip({ id: '67b5f39d07ecd4c594e60f73', username: 'Styler', amount: 4.2, currency: 'USD', message: 'Great stream!' });
    await until(() => h.inputs.length >= 1, 5_000, 'the tip');
    fake.tip({ id: 'second-tip', username: 'Ваня', amount: 300, currency: 'RUB', message: 'Привет из Москвы!' });
    await until(() => h.inputs.length >= 2, 5_000, 'the second tip');
    const [first, second] = h.inputs;
    assert.ok(isInputOf(first, 'donation'));
    assert.equal(first.amount, 4.2);
    assert.equal(first.currency, 'USD');
    assert.equal(first.message, 'Great stream!');
    assert.equal(first.donationId, '67b5f39d07ecd4c594e60f73');
    assert.equal(first.source, 'streamelements');
    assert.deepEqual(first.user, { id: 'streamelements:styler', displayName: 'Styler', platform: 'webhook' });
    assert.match(first.text, /Styler donated 4\.20 USD\. They said: Great stream!/);
    assert.ok(isInputOf(second, 'donation'));
    assert.equal(second.user.displayName, 'Ваня');
    assert.equal(second.message, 'Привет из Москвы!');
    assert.equal(second.currency, 'RUB');
    assert.equal(h.inputs.length, 2, 'the repeated id is not a second input');
    const status = (await donationsStatus(h.td)).streamelements;
    assert.equal(status?.duplicates, 1);
  });

  test('moderation: a blocked word blanks the message (English and Russian)', async () => {
    const before = h.inputs.length;
    fake.tip({ id: 'mod-en', username: 'Troll', amount: 1, currency: 'EUR', message: 'big spoiler ahead' });
    fake.tip({ id: 'mod-ru', username: 'Тролль', amount: 100, currency: 'RUB', message: 'тут спойлер финала' });
    await until(() => h.inputs.length >= before + 2, 5_000, 'the moderated tips');
    const [en, ru] = h.inputs.slice(before);
    assert.ok(isInputOf(en, 'donation') && isInputOf(ru, 'donation'));
    assert.equal(en.message, '');
    assert.equal(ru.message, '');
    assert.equal(ru.amount, 100, 'the donation itself still counts');
  });

  test('a tip not completed (status other than success) is not an input', async () => {
    const before = h.inputs.length;
    fake.tip({ id: 'pending-1', username: 'Waiting', amount: 5, currency: 'USD', message: 'held', status: 'pending' });
    fake.tip({ id: 'done-1', username: 'Done', amount: 6, currency: 'USD', message: 'ok' });
    await until(() => h.inputs.length >= before + 1, 5_000, 'the completed tip');
    assert.equal(h.inputs.length, before + 1);
    assert.equal(h.inputs.at(-1)?.user.displayName, 'Done');
  });

  test('the server drops: reconnect with backoff, a replayed id stays one input, new tips flow again', async () => {
    const connectsBefore = fake.connections;
    const before = h.inputs.length;
    fake.dropAll();
    await until(async () => (await donationsStatus(h.td)).streamelements?.state !== 'connected', 5_000, 'the drop to be noticed');
    await waitForState(h.td, 'streamelements', 'connected');
    assert.ok(fake.connections > connectsBefore);
    fake.tip({ id: '67b5f39d07ecd4c594e60f73', username: 'Styler', amount: 4.2, currency: 'USD', message: 'Great stream!' });
    fake.tip({ id: 'after-drop', username: 'Back', amount: 2, currency: 'USD', message: 'welcome back' });
    await until(() => h.inputs.length >= before + 1, 5_000, 'a tip after the reconnect');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.inputs.length, before + 1, 'the id seen before the drop is still a duplicate');
    assert.equal(h.inputs.at(-1)?.user.displayName, 'Back');
    const status = (await donationsStatus(h.td)).streamelements;
    assert.ok(Number(status?.reconnects) >= 1);
  });
});

describe('StreamElements: a connection that dies silently', () => {
  test('no pong to the websocket ping: reconnect, and tips flow on the new connection', async () => {
    const fake = new FakeAstro();
    await fake.start();
    const h = await startDonationsDaemon({ streamelements: { url: fake.url }, ping_interval_ms: 300 }, { streamelements: GOOD });
    try {
      await waitForState(h.td, 'streamelements', 'connected');
      fake.answerPings = false;
      await until(async () => String((await donationsStatus(h.td)).streamelements?.lastError ?? '').includes('no pong'), 5_000, 'the dead connection to be noticed');
      fake.answerPings = true;
      await waitForState(h.td, 'streamelements', 'connected');
      fake.tip({ id: 'after-silence', username: 'Still Here', amount: 1, currency: 'USD', message: '' });
      await until(() => h.inputs.length === 1, 5_000, 'the tip after the reconnect');
      assert.equal(h.inputs[0]?.user.displayName, 'Still Here');
    } finally {
      await h.stop();
      await fake.stop();
    }
  });
});

describe('StreamElements: a refused token', () => {
  test('unauthorized status naming the service and env var, no reconnect storm, no token in any log line', async () => {
    const fake = new FakeAstro();
    await fake.start();
    const bad = await startDonationsDaemon({ streamelements: { url: fake.url }, reconnect: { initial_ms: 50, max_ms: 100 } }, { streamelements: BAD });
    const good = await startDonationsDaemon({ streamelements: { url: fake.url } }, { streamelements: GOOD });
    try {
      const status = await waitForState(bad.td, 'streamelements', 'unauthorized');
      assert.match(status.detail, /StreamElements/);
      assert.match(status.detail, new RegExp(bad.env.streamelements as string));
      await waitForState(good.td, 'streamelements', 'connected');
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(fake.subscribes.filter((s) => !s.ok).length, 1, 'one refused attempt in a second, not a storm');
      const plugin = bad.td.daemon.status.snapshot().plugins.donations;
      assert.equal(plugin?.state, 'degraded');
      for (const td of [bad.td, good.td]) {
        const text = allLogText(td);
        assert.ok(!text.includes(BAD) && !text.includes(GOOD), 'no token in any log line');
        assert.ok(!JSON.stringify(await donationsStatus(td)).includes(BAD), 'no token in the status');
      }
      assert.match(allLogText(bad.td), /donations\.unauthorized/);
    } finally {
      await bad.stop();
      await good.stop();
      await fake.stop();
    }
  });
});
