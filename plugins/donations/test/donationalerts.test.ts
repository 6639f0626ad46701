// DonationAlerts through its REST API and Centrifugo websocket, against test/fake-donationalerts.ts,
// which follows https://www.donationalerts.com/apidoc (Centrifugo section) and Centrifugo's v2 JSON
// protocol. Russian streamers use it: Russian names, messages and RUB amounts must pass untouched.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isInputOf } from '../../../src/core/input.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { FakeDonationAlerts } from './fake-donationalerts.ts';
import { allLogText, donationsStatus, startDonationsDaemon, waitForState, type DonationsHarness } from './donations-harness.ts';

const GOOD = 'da-good-access-token-Q1w2E3';
const BAD = 'da-bad-access-token-P0o9I8';

describe('DonationAlerts (Centrifugo)', () => {
  let fake: FakeDonationAlerts;
  let h: DonationsHarness;

  before(async () => {
    fake = new FakeDonationAlerts();
    await fake.start();
    h = await startDonationsDaemon({ donationalerts: { api_base: fake.base, url: fake.wsUrl }, moderation: { blocked_words: ['казино', 'casino'] } }, { donationalerts: GOOD });
  });

  after(async () => {
    await h?.stop();
    await fake?.stop();
  });

  test('oauth → connect → subscribe → a donation with a Russian name, message and RUB amount, untouched', async () => {
    const status = await waitForState(h.td, 'donationalerts', 'connected');
    assert.match(status.detail, /\$alerts:donation_4242/);
    assert.equal(fake.subscribers, 1);
    fake.donate([{ id: 30530030, username: 'Иван Петров', message: 'Привет! Спой песню про кота 🐱', amount: 500, currency: 'RUB' }]);
    await until(() => h.inputs.length >= 1, 5_000, 'the donation');
    const d = h.inputs[0];
    assert.ok(isInputOf(d, 'donation'));
    assert.equal(d.amount, 500);
    assert.equal(d.currency, 'RUB');
    assert.equal(d.message, 'Привет! Спой песню про кота 🐱');
    assert.equal(d.user.displayName, 'Иван Петров');
    assert.equal(d.user.id, 'donationalerts:иван_петров');
    assert.equal(d.donationId, '30530030');
    assert.equal(d.source, 'donationalerts');
  });

  test('several pushes in one frame (newline-separated) are each read; the same id twice is one input', async () => {
    const before = h.inputs.length;
    fake.donate(
      [
        { id: 1001, username: 'Маша', message: 'Первый', amount: 100, currency: 'RUB' },
        { id: 1001, username: 'Маша', message: 'Первый', amount: 100, currency: 'RUB' },
        { id: 1002, username: null, message: 'anonymous one', amount: 2.5, currency: 'EUR' },
      ],
      true,
    );
    await until(() => h.inputs.length >= before + 2, 5_000, 'the batched donations');
    await new Promise((r) => setTimeout(r, 200));
    const got = h.inputs.slice(before);
    assert.equal(got.length, 2);
    assert.ok(isInputOf(got[0], 'donation') && isInputOf(got[1], 'donation'));
    assert.equal(got[0].message, 'Первый');
    assert.equal(got[1].user.displayName, 'Someone', 'no username: the anonymous name');
    assert.equal(got[1].amount, 2.5);
    assert.equal((await donationsStatus(h.td)).donationalerts?.duplicates, 1);
  });

  test('moderation: a blocked word blanks the message in Russian and English', async () => {
    const before = h.inputs.length;
    fake.donate([
      { id: 2001, username: 'Спамер', message: 'Заходите в наше казино', amount: 50, currency: 'RUB' },
      { id: 2002, username: 'Spammer', message: 'best casino online', amount: 1, currency: 'USD' },
    ]);
    await until(() => h.inputs.length >= before + 2, 5_000, 'the moderated donations');
    const [ru, en] = h.inputs.slice(before);
    assert.ok(isInputOf(ru, 'donation') && isInputOf(en, 'donation'));
    assert.equal(ru.message, '');
    assert.equal(en.message, '');
  });

  test('a publication outside the documented shape is logged with the field named, and the connection carries on', async () => {
    const before = h.inputs.length;
    fake.publishRaw({ id: 4001, username: 'Без валюты', message: 'нет currency', amount: 10 });
    fake.donate([{ id: 4002, username: 'После', message: 'всё ещё работает', amount: 20, currency: 'RUB' }]);
    await until(() => h.inputs.length >= before + 1, 5_000, 'the good donation after the bad one');
    assert.equal(h.inputs.at(-1)?.user.displayName, 'После');
    const warn = h.td.logs().find((l) => l.event === 'donations.bad_event' && l.service === 'donationalerts');
    assert.equal(warn?.level, 'warn');
    assert.equal(warn?.field, 'currency');
    assert.equal((await donationsStatus(h.td)).donationalerts?.state, 'connected');
  });

  test('the server drops: reconnect (oauth, connect, subscribe again), the old id stays one input, new donations flow', async () => {
    const before = h.inputs.length;
    const oauthBefore = fake.oauthCalls;
    fake.dropAll();
    await until(async () => (await donationsStatus(h.td)).donationalerts?.state !== 'connected', 5_000, 'the drop to be noticed');
    await waitForState(h.td, 'donationalerts', 'connected');
    assert.ok(fake.oauthCalls > oauthBefore, 'a fresh socket token for the new connection');
    fake.donate([
      { id: 30530030, username: 'Иван Петров', message: 'Привет! Спой песню про кота 🐱', amount: 500, currency: 'RUB' },
      { id: 3001, username: 'Вернулся', message: 'С возвращением', amount: 150, currency: 'RUB' },
    ]);
    await until(() => h.inputs.length >= before + 1, 5_000, 'a donation after the reconnect');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(h.inputs.length, before + 1, 'the id from before the drop is still a duplicate');
    assert.equal(h.inputs.at(-1)?.user.displayName, 'Вернулся');
  });
});

describe('DonationAlerts: a refused token', () => {
  test('unauthorized status naming the service and env var, no reconnect storm, no token in any log line', async () => {
    const fake = new FakeDonationAlerts();
    await fake.start();
    const bad = await startDonationsDaemon({ donationalerts: { api_base: fake.base, url: fake.wsUrl }, reconnect: { initial_ms: 50, max_ms: 100 } }, { donationalerts: BAD });
    const good = await startDonationsDaemon({ donationalerts: { api_base: fake.base, url: fake.wsUrl } }, { donationalerts: GOOD });
    try {
      const status = await waitForState(bad.td, 'donationalerts', 'unauthorized');
      assert.match(status.detail, /DonationAlerts/);
      assert.match(status.detail, new RegExp(bad.env.donationalerts as string));
      await waitForState(good.td, 'donationalerts', 'connected');
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(fake.oauthRefused, 1, 'one refused attempt in a second, not a storm');
      for (const td of [bad.td, good.td]) {
        const text = allLogText(td);
        for (const secret of [BAD, GOOD, fake.socketToken]) assert.ok(!text.includes(secret), 'no token in any log line');
        assert.ok(!JSON.stringify(await donationsStatus(td)).includes(fake.socketToken));
      }
    } finally {
      await bad.stop();
      await good.stop();
      await fake.stop();
    }
  });
});
