import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, openAvatarPage, type PixelLab, toneChunk } from './browser.ts';

interface DebugHandle {
  avatarReady: boolean;
  emotion(): string | undefined;
  mouth(): number;
}
const skip = chromiumMissing();

// The second bundled model (Haru, Cubism 4), chosen through character.live2d.model: the Cubism 4 path
// (core runtime, parameter ids, expressions off) works like the default Cubism 2 one.
describe('Cubism 4 model (haru) in Chromium', { skip }, () => {
  let d: TestDaemon;
  let browser: Browser;
  let page: Page;
  let lab: PixelLab;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    d = await startTestDaemon({ config: { character: { live2d: { model: 'haru' } } } });
    ({ browser, page, lab, errors } = await openAvatarPage(d.url, 400));
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  test('renders, shows distinct emotions and lip-syncs', async () => {
    const clip = { x: 100, y: 40, width: 200, height: 180 };
    const shots: Buffer[] = [];
    for (const name of ['neutral', 'joy', 'sad', 'angry']) {
      d.daemon.hub.broadcast({ type: 'emotion', turnId: 't4', name });
      await page.waitForTimeout(700);
      shots.push(await page.screenshot({ clip }));
    }
    assert.ok((await lab.contentFraction(await page.locator('#avatar').screenshot())) > 0.15, 'model drawn');
    for (let i = 0; i < shots.length; i++) {
      for (let j = i + 1; j < shots.length; j++) {
        const diff = await lab.diffFraction(shots[i] as Buffer, shots[j] as Buffer);
        assert.ok(diff > 0.01, `emotions ${i} and ${j} differ (${(diff * 100).toFixed(2)} %)`);
      }
    }
    d.daemon.hub.broadcast({ type: 'emotion', turnId: 't4', name: 'neutral' });
    for (let i = 0; i < 2; i++) d.daemon.hub.broadcast(toneChunk('t4', i, 400, 0.8));
    await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.mouth() > 0.4, null, { timeout: 3000 });
    await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.mouth() < 0.02, null, { timeout: 3000 });
    assert.deepEqual(errors, []);
  });
});
