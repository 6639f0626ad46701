// The donations section of the admin page, in real Chromium: one row per enabled service with its
// state in the page's language (Russian and English here), and the detail naming the env var to fix.
// Services: the fake StreamElements Astro gateway (connected) and the fake DonationAlerts (refusing the
// token), both written from the services' docs (see fake-astro.ts, fake-donationalerts.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureFrontendBuilt } from '../../../test/helpers/frontend-build.ts';
import { chromiumMissing, openAdminPage } from '../../../test/frontend/browser.ts';
import { FakeAstro } from './fake-astro.ts';
import { FakeDonationAlerts } from './fake-donationalerts.ts';
import { startDonationsDaemon, waitForState, type DonationsHarness } from './donations-harness.ts';

const ADMIN = 'donations-admin-token';

describe('donations in the admin page (Chromium)', { skip: chromiumMissing() }, () => {
  let astro: FakeAstro;
  let da: FakeDonationAlerts;
  let h: DonationsHarness;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    astro = new FakeAstro();
    await astro.start();
    da = new FakeDonationAlerts();
    await da.start();
    h = await startDonationsDaemon(
      { streamelements: { url: astro.url }, donationalerts: { api_base: da.base, url: da.wsUrl }, streamlabs: { enabled: true, token_env: 'DONATIONS_TEST_NEVER_SET' } },
      { streamelements: 'se-good-jwt-token-A1b2C3', donationalerts: 'da-wrong-token' },
      { VTUBER_ADMIN_TOKEN: ADMIN },
    );
    await waitForState(h.td, 'streamelements', 'connected');
    await waitForState(h.td, 'donationalerts', 'unauthorized');
    ({ browser, page, errors } = await openAdminPage(h.td.url, { token: ADMIN }));
  });

  after(async () => {
    await browser?.close();
    await h?.stop();
    await astro?.stop();
    await da?.stop();
  });

  const row = (service: string): string => `[data-feature="donations"] tr[data-service="${service}"]`;

  test('Russian: each service with its state, and what to fix', async () => {
    await page.goto(`${h.td.url}/admin?lang=ru`);
    await page.waitForSelector(row('donationalerts'), { timeout: 15_000 });
    assert.equal(await page.locator('[data-feature="donations"] h2').first().textContent().then((s) => s?.startsWith('Донаты')), true);
    assert.match((await page.locator(row('streamelements')).textContent()) ?? '', /StreamElements\s*подключено/);
    assert.match((await page.locator(row('donationalerts')).textContent()) ?? '', /DonationAlerts\s*токен отклонён/);
    assert.match((await page.locator(row('streamlabs')).textContent()) ?? '', /Streamlabs\s*токен не задан/);
    const fix = (await page.locator('[data-feature="donations"] li[data-service="donationalerts"]').textContent()) ?? '';
    assert.match(fix, new RegExp(h.env.donationalerts as string), 'the detail names the env var to fix');
    assert.match((await page.locator('[data-feature="donations"] li[data-service="streamlabs"]').textContent()) ?? '', /DONATIONS_TEST_NEVER_SET/);
    assert.equal(await page.locator('[data-feature="donations"]').getAttribute('data-state'), 'degraded');
  });

  test('English, and a donation shows up in the figures', async () => {
    astro.tip({ id: 'panel-tip-1', username: 'Panel Fan', amount: 3, currency: 'USD', message: 'hi' });
    await page.goto(`${h.td.url}/admin?lang=en`);
    await page.waitForFunction(() => /connected\s*1\s*1/.test(document.querySelector('[data-feature="donations"] tr[data-service="streamelements"]')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.match((await page.locator(row('donationalerts')).textContent()) ?? '', /token refused/);
    assert.deepEqual(errors, []);
  });
});
