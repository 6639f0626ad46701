// The VTube Studio admin panel and the page's "don't draw the built-in avatar" option, in real Chromium,
// against the fake VTube Studio (public API docs: https://github.com/DenchiSoft/VTubeStudio README).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureFrontendBuilt } from '../../../test/helpers/frontend-build.ts';
import type { TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { chromiumMissing, openAdminPage, watchErrors } from '../../../test/frontend/browser.ts';
import { FakeVtsServer } from './fake-vts-server.ts';
import { TOKEN, api, inState, startVtsDaemon, waitForVts } from './vts-harness.ts';

describe('VTube Studio in the admin page and on the avatar page (Chromium)', { skip: chromiumMissing() }, () => {
  let fake: FakeVtsServer;
  let td: TestDaemon;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    fake = new FakeVtsServer();
    fake.allow = 'manual';
    await fake.start();
    td = await startVtsDaemon(fake, {
      emotions: { joy: { hotkey: 'Happy' }, sad: { expression: 'sad.exp3.json' }, angry: { expression: 'furious.exp3.json' } },
      motions: { wave: { hotkey: 'hk-wave-2' } },
      hide_builtin_avatar: true,
    });
    ({ browser, page, errors } = await openAdminPage(td.url, { token: TOKEN }));
  });

  after(async () => {
    await browser?.close();
    await td?.stop();
    await fake?.stop();
  });

  test('the panel says to click "Allow", then shows the model\'s hotkeys, expressions and the mapping', async () => {
    await waitForVts(td, inState('awaiting_allow'));
    await page.waitForFunction(() => /Allow/.test(document.querySelector('[data-feature="vtube-studio"]')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.equal(await page.locator('[data-feature="vtube-studio"]').getAttribute('data-state'), 'degraded');
    await fake.waitFor(() => fake.popupOpen, 5_000, 'popup');
    fake.clickAllow();
    await waitForVts(td, inState('connected'));
    await page.waitForSelector('[data-feature="vtube-studio"] [data-vts-action="model"]', { timeout: 15_000 });
    assert.equal(await page.locator('[data-feature="vtube-studio"]').getAttribute('data-state'), 'live');
    await page.click('[data-feature="vtube-studio"] [data-vts-action="model"]');
    await page.waitForSelector('[data-feature="vtube-studio"] table[data-vts="mapping"]', { timeout: 10_000 });
    const hotkeys = await page.locator('table[data-vts="hotkeys"] td').allTextContents();
    assert.ok(hotkeys.includes('Happy') && hotkeys.includes('hk-wave-2'));
    const expressions = await page.locator('table[data-vts="expressions"] td').allTextContents();
    assert.ok(expressions.includes('sad.exp3.json'));
    const mapping = await page.locator('table[data-vts="mapping"] tr').allTextContents();
    assert.ok(mapping.some((r) => r.includes('emotion:joy') && r.includes('✓')));
    assert.ok(mapping.some((r) => r.includes('emotion:angry') && r.includes('missing')), 'a mapped expression the model lacks is flagged');
    assert.deepEqual(errors, []);
  });

  test('the model route is admin-only and names the mapping', async () => {
    assert.equal((await api(td, 'GET', '/model', null)).status, 401);
    const model = await api(td, 'GET', '/model');
    assert.equal(model.status, 200);
    const mapping = model.body.mapping as Array<{ tag: string; found: boolean }>;
    assert.deepEqual(
      mapping.map((m) => [m.tag, m.found]),
      [
        ['joy', true],
        ['sad', true],
        ['angry', false],
        ['wave', true],
      ],
    );
  });

  test('hide_builtin_avatar: the avatar page keeps audio and subtitles but does not draw the model', async () => {
    const p = await browser.newPage({ viewport: { width: 400, height: 400 } });
    try {
      const pageErrors = watchErrors(p);
      await p.goto(`${td.url}/?still=1`, { waitUntil: 'domcontentloaded' });
      await p.waitForFunction(() => document.body.dataset.builtinAvatar === 'off', null, { timeout: 15_000 });
      assert.equal(await p.locator('#avatar').isVisible(), false);
      assert.equal(await p.locator('#subtitle').count(), 1);
      assert.deepEqual(pageErrors, []);
    } finally {
      await p.close();
    }
  });
});
