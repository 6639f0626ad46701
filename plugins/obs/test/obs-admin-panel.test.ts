import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureFrontendBuilt } from '../../../test/helpers/frontend-build.ts';
import type { TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { chromiumMissing, openAdminPage } from '../../../test/frontend/browser.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { TOKEN, connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

describe('OBS panel in the admin page (Chromium)', { skip: chromiumMissing() }, () => {
  let fake: FakeObsServer;
  let td: TestDaemon;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    fake = new FakeObsServer({ obsVersion: '28.0.0' });
    await fake.start();
    td = await startObsDaemon(fake);
    await waitForObsStatus(td, connected);
    ({ browser, page, errors } = await openAdminPage(td.url, { token: TOKEN }));
  });

  after(async () => {
    await browser?.close();
    await td?.stop();
    await fake?.stop();
  });

  test('shows the connection with versions and only the allow-listed buttons', async () => {
    await page.waitForSelector('[data-feature="obs"] [data-obs-action="scene:BRB"]', { timeout: 10_000 });
    assert.equal(await page.locator('[data-feature="obs"]').getAttribute('data-state'), 'live');
    const text = (await page.locator('[data-feature="obs"]').textContent()) ?? '';
    assert.match(text, /OBS 28\.0\.0, obs-websocket 5\.0\.1/);
    const actions = await page.locator('[data-feature="obs"] [data-obs-action]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.obsAction));
    assert.deepEqual(actions, ['scene:Main', 'scene:BRB', 'source:Main/Thanks:show', 'source:Main/Thanks:hide', 'filter:Camera/shake:on', 'filter:Camera/shake:off']);
  });

  test('a scene button switches OBS through /api/obs/scene', async () => {
    await page.click('[data-feature="obs"] [data-obs-action="scene:BRB"]');
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB');
    assert.equal(fake.currentScene, 'BRB');
    await page.click('[data-feature="obs"] [data-obs-action="filter:Camera/shake:on"]');
    await fake.waitForRequest('SetSourceFilterEnabled', (d) => d.filterEnabled === true);
    assert.deepEqual(errors, []);
  });
});
