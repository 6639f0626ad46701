// Streamlabs donations through the Socket API, against test/fake-streamlabs.ts: a real socket.io 2
// server (the protocol sockets.streamlabs.com speaks) following https://dev.streamlabs.com/docs/socket-api.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isInputOf } from '../../../src/core/input.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { FakeStreamlabs } from './fake-streamlabs.ts';
import { allLogText, donationsStatus, startDonationsDaemon, waitForState, type DonationsHarness } from './donations-harness.ts';

const GOOD = 'sl-good-socket-token-M4n5B6';
const BAD = 'sl-bad-socket-token-V7c8X9';

describe('Streamlabs (Socket API, socket.io 2)', () => {
  let fake: FakeStreamlabs;
  let h: DonationsHarness;

  before(async () => {
    fake = new FakeStreamlabs();
    await fake.start();
    h = await startDonationsDaemon({ streamlabs: { url: fake.url } }, { streamlabs: GOOD });
  });

  after(async () => {
    await h?.stop();
    await fake?.stop();
  });

  test('a donation becomes a donation input (amount as the string Streamlabs sends); the same id twice is one input; follows are ignored', async () => {
    await waitForState(h.td, 'streamlabs', 'connected');
    fake.follow('just_following');
    fake.donate([{ id: 96164121, name: 'Jane Doe', amount: '15.0000000000', currency: 'USD', message: 'Keep it up!' }]);
    fake.donate([{ id: 96164121, name: 'Jane Doe', amount: '15.0000000000', currency: 'USD', message: 'Keep it up!' }]);
    fake.donate([{ id: 96164122, name: 'Пётр', amount: 250, currency: 'RUB', message: 'Спасибо за стрим!' }]);
    await until(() => h.inputs.length >= 2, 5_000, 'the donations');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.inputs.length, 2);
    const [en, ru] = h.inputs;
    assert.ok(isInputOf(en, 'donation') && isInputOf(ru, 'donation'));
    assert.equal(en.amount, 15);
    assert.equal(en.currency, 'USD');
    assert.equal(en.message, 'Keep it up!');
    assert.deepEqual(en.user, { id: 'streamlabs:jane_doe', displayName: 'Jane Doe', platform: 'webhook' });
    assert.equal(en.donationId, '96164121');
    assert.equal(ru.user.displayName, 'Пётр');
    assert.equal(ru.message, 'Спасибо за стрим!');
    assert.equal(ru.amount, 250);
    assert.equal((await donationsStatus(h.td)).streamlabs?.duplicates, 1);
  });

  test('test alerts from the dashboard are skipped unless accept_test_events is on', async () => {
    const before = h.inputs.length;
    fake.donate([{ id: 5550001, name: 'Tester', amount: 5, currency: 'USD', message: 'This is a test donation', isTest: true }]);
    fake.donate([{ id: 5550002, name: 'Real', amount: 3, currency: 'USD', message: 'real one' }]);
    await until(() => h.inputs.length >= before + 1, 5_000, 'the real donation');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.inputs.length, before + 1);
    assert.equal(h.inputs.at(-1)?.user.displayName, 'Real');
    assert.equal((await donationsStatus(h.td)).streamlabs?.tests_skipped, 1);
  });

  test('the server drops the connection: reconnect with backoff, the old id stays one input, new donations flow', async () => {
    const before = h.inputs.length;
    const connectsBefore = fake.connections;
    fake.dropAll();
    await until(() => fake.connections > connectsBefore, 5_000, 'the reconnect');
    await waitForState(h.td, 'streamlabs', 'connected');
    fake.donate([{ id: 96164121, name: 'Jane Doe', amount: '15.0000000000', currency: 'USD', message: 'Keep it up!' }]);
    fake.donate([{ id: 96164200, name: 'After', amount: 1, currency: 'GBP', message: 'back again' }]);
    await until(() => h.inputs.length >= before + 1, 5_000, 'a donation after the reconnect');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.inputs.length, before + 1, 'the id from before the drop is still a duplicate');
    assert.equal(h.inputs.at(-1)?.user.displayName, 'After');
    assert.ok(Number((await donationsStatus(h.td)).streamlabs?.reconnects) >= 1);
  });
});

describe('Streamlabs: a refused token', () => {
  test('unauthorized status naming the service and env var, no reconnect storm, no token in any log line', async () => {
    const fake = new FakeStreamlabs();
    await fake.start();
    const bad = await startDonationsDaemon({ streamlabs: { url: fake.url }, reconnect: { initial_ms: 50, max_ms: 100 } }, { streamlabs: BAD });
    const good = await startDonationsDaemon({ streamlabs: { url: fake.url } }, { streamlabs: GOOD });
    try {
      const status = await waitForState(bad.td, 'streamlabs', 'unauthorized');
      assert.match(status.detail, /Streamlabs/);
      assert.match(status.detail, new RegExp(bad.env.streamlabs as string));
      await waitForState(good.td, 'streamlabs', 'connected');
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(fake.refused, 1, 'one refused attempt in a second, not a storm');
      for (const td of [bad.td, good.td]) {
        const text = allLogText(td);
        assert.ok(!text.includes(BAD) && !text.includes(GOOD), 'no token in any log line');
      }
    } finally {
      await bad.stop();
      await good.stop();
      await fake.stop();
    }
  });
});
