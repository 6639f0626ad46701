import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { defineStage } from '../../src/plugin-host/define-stage.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, openAdminPage, saveScreenshot } from './browser.ts';

const TOKEN = 'admin-token-for-tests-0123456789';
const skip = chromiumMissing();

const liveStage = defineStage({ name: 'tts', setup: (ctx) => ctx.setStatus('live', { detail: 'espeak-ng' }) });
const missingStage = defineStage({ name: 'asr', setup: (ctx) => ctx.setStatus('unavailable', { detail: 'model missing: run npm run models -- pull --profile en' }) });
const memoryStage = defineStage({ name: 'memory', setup: (ctx) => ctx.setStatus('live', { detail: 'chroma at 127.0.0.1', info: { memories: 42 } }) });

describe('admin panel in Chromium', { skip }, () => {
  let d: TestDaemon;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    d = await startTestDaemon({ env: { VTUBER_ADMIN_TOKEN: TOKEN }, stages: [liveStage, missingStage, memoryStage] });
    ({ browser, page, errors } = await openAdminPage(d.url));
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  test('a bad token is refused and nothing is shown', async () => {
    await page.fill('#token', 'wrong-token');
    await page.click('#login button');
    await page.waitForFunction(() => (document.getElementById('login-error')?.textContent ?? '') !== '', null, { timeout: 5000 });
    assert.equal(await page.locator('#login-error').textContent(), 'Token refused.');
    assert.equal(await page.locator('#dashboard').isVisible(), false);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('vtuber.adminToken')), null, 'a refused token is not kept');
  });

  test('a good token shows stage statuses, feature panels, logs and sends streamer input', async () => {
    await page.fill('#token', TOKEN);
    await page.click('#login button');
    await page.waitForSelector('#status tr[data-name="asr"]', { timeout: 5000 });
    assert.equal(await page.locator('#status tr[data-name="tts"]').getAttribute('data-state'), 'live');
    assert.equal(await page.locator('#status tr[data-name="asr"]').getAttribute('data-state'), 'unavailable');
    assert.match((await page.locator('#status tr[data-name="asr"]').textContent()) ?? '', /model missing/);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('vtuber.adminToken')), TOKEN, 'token kept for the tab');
    // Memory reports status, so its panel lights up; the others stay placeholders.
    assert.equal(await page.locator('[data-feature="memory"]').getAttribute('data-state'), 'live');
    assert.match((await page.locator('[data-feature="memory"]').textContent()) ?? '', /42/);
    assert.equal(await page.locator('[data-feature="twitch"].feature-absent').count(), 1);
    assert.match((await page.locator('#char-name').textContent()) ?? '', /Aria/);

    const queued = new Promise<string>((resolve) => {
      const off = d.daemon.bus.on('input.queued', (item) => {
        off();
        resolve(item.kind);
      });
    });
    await page.waitForFunction(() => document.getElementById('conn')?.dataset.state === 'open', null, { timeout: 5000 });
    await page.fill('#say-text', 'Hello from the admin panel');
    await page.click('#say button');
    assert.equal(await queued, 'text');

    d.daemon.hub.broadcast({ type: 'turn-start', turnId: 'turn-admin-1', source: 'text' });
    d.daemon.hub.broadcast({ type: 'turn-end', turnId: 'turn-admin-1', state: 'done', timings: { llm_first_token: 412.3, tts_first_audio: 120.9 } });
    await page.waitForSelector('#turns tr[data-turn-id="turn-admin-1"]', { timeout: 5000 });
    assert.match((await page.locator('#turns tr[data-turn-id="turn-admin-1"]').textContent()) ?? '', /llm_first_token 412/);

    await page.selectOption('#log-level', 'info');
    await page.fill('#log-component', 'ws');
    await page.click('#log-refresh');
    // Wait for the refreshed (filtered) list, not the lines that were already on screen.
    await page
      .waitForFunction(() => {
        const rows = Array.from(document.querySelectorAll('#log-lines .log-line'), (e) => e.textContent ?? '');
        return rows.length > 0 && rows.every((l) => / ws /.test(l));
      }, null, { timeout: 5000 })
      .catch(() => undefined);
    const lines = await page.locator('#log-lines .log-line').allTextContents();
    assert.ok(lines.length > 0 && lines.every((l) => / ws /.test(l)), 'only ws lines');
    saveScreenshot('admin.png', await page.screenshot());
    assert.deepEqual(errors.filter((e) => !e.includes('401')), [], 'no console errors besides the refused token');
  });
});
