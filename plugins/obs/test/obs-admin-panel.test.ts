import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureFrontendBuilt } from '../../../test/helpers/frontend-build.ts';
import type { TestDaemon } from '../../../test/helpers/test-daemon.ts';
import { chromiumMissing, openAdminPage } from '../../../test/frontend/browser.ts';
import { FakeObsServer } from '../../../test/fakes/fake-obs-server.ts';
import { ALLOW, TOKEN, connected, startObsDaemon, waitForObsStatus } from './obs-harness.ts';

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
    td = await startObsDaemon(fake, { allow: { ...ALLOW, transitions: ['Fade', 'Cut'], transforms: [{ scene: 'Main', source: 'Camera' }], recording: true } });
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
    assert.deepEqual(actions, [
      'reconnect',
      'scene:Main',
      'scene:BRB',
      'source:Main/Thanks:show',
      'source:Main/Thanks:hide',
      'filter:Camera/shake:on',
      'filter:Camera/shake:off',
      'text:Subtitle:set',
      'text:Subtitle:clear',
      'media:Stinger:play',
      'media:Stinger:pause',
      'media:Stinger:stop',
      'media:Stinger:restart',
      'transition:Fade',
      'transition:Cut',
      'record:start',
      'record:stop',
      'transform:Main/Camera:apply',
    ]);
    assert.ok(!actions.some((a) => a?.startsWith('stream:')), 'streaming is off in the allow-list, so no stream buttons');
  });

  test('a scene button switches OBS through /api/obs/scene', async () => {
    await page.click('[data-feature="obs"] [data-obs-action="scene:BRB"]');
    await fake.waitForRequest('SetCurrentProgramScene', (d) => d.sceneName === 'BRB');
    assert.equal(fake.currentScene, 'BRB');
    await page.click('[data-feature="obs"] [data-obs-action="filter:Camera/shake:on"]');
    await fake.waitForRequest('SetSourceFilterEnabled', (d) => d.filterEnabled === true);
    assert.deepEqual(errors, []);
  });

  test('text, media, transition, recording and transform controls reach OBS', async () => {
    const panel = '[data-feature="obs"]';
    await page.fill(`${panel} [data-obs-field="text:Subtitle"]`, 'Скоро вернусь');
    await page.click(`${panel} [data-obs-action="text:Subtitle:set"]`);
    await fake.waitForRequest('SetInputSettings', (d) => (d.inputSettings as { text?: string }).text === 'Скоро вернусь').catch((e: unknown) => { throw new Error(`${String(e)} ${JSON.stringify(fake.requests.filter((r) => r.requestType === 'SetInputSettings').map((r) => r.requestData))}`); });
    await page.click(`${panel} [data-obs-action="media:Stinger:play"]`);
    await fake.waitForRequest('TriggerMediaInputAction', (d) => d.mediaAction === 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY');
    await page.fill(`${panel} [data-obs-field="transition:duration"]`, '800');
    await page.click(`${panel} [data-obs-action="transition:Cut"]`);
    await fake.waitForRequest('SetCurrentSceneTransition', (d) => d.transitionName === 'Cut');
    await fake.waitForRequest('SetCurrentSceneTransitionDuration', (d) => d.transitionDuration === 800);
    await page.click(`${panel} [data-obs-action="record:start"]`);
    await fake.waitForRequest('StartRecord');
    assert.equal(fake.recording, true);
    await page.fill(`${panel} [data-obs-field="transform:Main/Camera:x"]`, '320');
    await page.fill(`${panel} [data-obs-field="transform:Main/Camera:scale"]`, '0.5');
    await page.click(`${panel} [data-obs-action="transform:Main/Camera:apply"]`);
    await fake.waitForRequest('SetSceneItemTransform');
    assert.deepEqual(fake.transforms.get('Main/Camera'), { positionX: 320, positionY: 0, rotation: 0, scaleX: 0.5, scaleY: 0.5 });
    // An OBS refusal shows in the panel: stopping twice.
    await page.click(`${panel} [data-obs-action="record:stop"]`);
    await fake.waitForRequest('StopRecord');
    await page.click(`${panel} [data-obs-action="record:stop"]`);
    await page.waitForFunction((sel) => (document.querySelector(`${sel} .error`)?.textContent ?? '').length > 0, panel, { timeout: 5000 });
    // The browser logs the refused call's 502 itself; nothing else may have failed.
    assert.deepEqual(errors.filter((e) => !/status of 502/.test(e)), []);
  });

  test('the reconnect button reconnects at once', async () => {
    const before = fake.identifyCount;
    await page.click('[data-feature="obs"] [data-obs-action="reconnect"]');
    const deadline = Date.now() + 5000;
    while (fake.identifyCount === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fake.identifyCount > before, 'a new session identified');
    await waitForObsStatus(td, connected);
  });
});
