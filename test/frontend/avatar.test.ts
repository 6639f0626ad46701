import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, openAvatarPage, saveScreenshot, toneChunk, watchErrors, type PixelLab } from './browser.ts';

const EMOTIONS = ['neutral', 'happy', 'joy', 'sad', 'angry', 'surprised', 'smug', 'shy', 'scared', 'disgusted', 'thinking', 'sleepy'];
const skip = chromiumMissing();

interface DebugHandle {
  avatarReady: boolean;
  connection: string;
  emotion(): string | undefined;
  mouth(): number;
  modelBounds(): { x: number; y: number; width: number; height: number } | undefined;
}
const handle = (page: Page) => page.evaluate(() => (window as unknown as { vtuber: DebugHandle }).vtuber.mouth());

describe('avatar page in Chromium', { skip }, () => {
  let d: TestDaemon;
  let browser: Browser;
  let page: Page;
  let lab: PixelLab;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    d = await startTestDaemon({});
    ({ browser, page, lab, errors } = await openAvatarPage(d.url, 480));
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  test('page loads, the default model renders and the websocket connects', async () => {
    await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.connection === 'open', null, { timeout: 10_000 });
    assert.equal(await page.locator('#conn').getAttribute('data-state'), 'open');
    assert.equal(d.daemon.hub.size, 1, 'the server sees one client');
    assert.match((await page.locator('#version').textContent()) ?? '', /\d+\.\d+\.\d+/);
    const canvas = await page.locator('#avatar').screenshot();
    const content = await lab.contentFraction(canvas);
    assert.ok(content > 0.15, `the canvas shows the model (${(content * 100).toFixed(1)} % non-background pixels)`);
    assert.deepEqual(errors, []);
  });

  test('every emotion looks different around the face; an unknown emotion shows nothing and logs no error', async () => {
    const b = await page.evaluate(() => (window as unknown as { vtuber: DebugHandle }).vtuber.modelBounds());
    assert.ok(b, 'model bounds');
    const clip = { x: Math.round(b.x + b.width * 0.3), y: Math.round(Math.max(0, b.y + b.height * 0.08)), width: Math.round(b.width * 0.4), height: Math.round(b.height * 0.32) };
    const shot = async (name: string): Promise<Buffer> => {
      d.daemon.hub.broadcast({ type: 'emotion', turnId: 't-emotions', name });
      await page.waitForFunction((n) => (window as unknown as { vtuber: DebugHandle }).vtuber.emotion() === n, name, { timeout: 5000 });
      await page.waitForTimeout(700); // ease in (~3 × 140 ms) and let physics settle
      return page.screenshot({ clip });
    };
    const shots = new Map<string, Buffer>();
    for (const e of EMOTIONS) {
      shots.set(e, await shot(e));
      if (['neutral', 'joy', 'sad', 'surprised'].includes(e)) saveScreenshot(`avatar-${e}.png`, await page.screenshot());
    }
    // The same emotion again renders (nearly) the same face: differences below are the emotions' doing.
    const neutralAgain = await shot('neutral');
    const noise = await lab.diffFraction(shots.get('neutral') as Buffer, neutralAgain);
    const diffs: Array<[string, number]> = [];
    for (let i = 0; i < EMOTIONS.length; i++) {
      for (let j = i + 1; j < EMOTIONS.length; j++) {
        const a = EMOTIONS[i] as string;
        const c = EMOTIONS[j] as string;
        diffs.push([`${a}/${c}`, await lab.diffFraction(shots.get(a) as Buffer, shots.get(c) as Buffer)]);
      }
    }
    const min = Math.min(...diffs.map(([, v]) => v));
    const weakest = diffs.filter(([, v]) => v === min)[0];
    console.log(`emotion pixel differences: weakest ${weakest?.[0]} ${(min * 100).toFixed(2)} %, neutral repeat ${(noise * 100).toFixed(2)} %`);
    assert.ok(min > 0.01, `every pair differs in ≥ 1 % of face pixels; weakest ${weakest?.[0]}: ${(min * 100).toFixed(2)} %`);
    assert.ok(noise < min / 2, `repeat of neutral differs by ${(noise * 100).toFixed(2)} %, well under the weakest pair`);

    const before = await page.screenshot({ clip });
    d.daemon.hub.broadcast({ type: 'emotion', turnId: 't-emotions', name: 'flabbergasted-zzz' });
    d.daemon.hub.broadcast({ type: 'motion', turnId: 't-emotions', name: 'moonwalk' });
    await page.waitForTimeout(600);
    assert.equal(await page.evaluate(() => (window as unknown as { vtuber: DebugHandle }).vtuber.emotion()), 'neutral', 'unknown emotion leaves the face as it was');
    // Idle life (a blink) can land between the two shots; an unknown emotion must change far less
    // than the weakest real emotion does.
    const unknownDiff = await lab.diffFraction(before, await page.screenshot({ clip }));
    assert.ok(unknownDiff < min / 2, `and does not change the picture (${(unknownDiff * 100).toFixed(2)} % vs weakest emotion ${(min * 100).toFixed(2)} %)`);
    assert.deepEqual(errors, [], 'no console errors');
  });

  test('a motion moves the head', async () => {
    const still = await page.locator('#avatar').screenshot();
    // The name the backend emits (the shared vocabulary); every tag is covered by avatar-tags-*.test.ts.
    // A loaded machine draws few frames, and the 1.5 s motion can end between two of them: the
    // motion is sent again each round, and movement is looked for over up to 6 s.
    let moved = 0;
    for (const t0 = Date.now(); moved <= 0.01 && Date.now() - t0 < 6000; ) {
      d.daemon.hub.broadcast({ type: 'motion', turnId: 't-motion', name: 'shake_head' });
      await page.waitForTimeout(350);
      moved = await lab.diffFraction(still, await page.locator('#avatar').screenshot());
    }
    assert.ok(moved > 0.01, `shake_head moves the head (${(moved * 100).toFixed(2)} % of pixels changed)`);
  });

  test('streamed audio moves the mouth while it plays, closes it after, and reports playback', async () => {
    const playback: Array<{ turnId: string; ended: boolean; heardText?: string }> = [];
    const off = d.daemon.bus.on('client.playback', (p) => playback.push(p));
    try {
      assert.ok((await handle(page)) < 0.01, 'mouth closed before audio');
      d.daemon.hub.broadcast({ type: 'turn-start', turnId: 't-audio', source: 'text' });
      d.daemon.hub.broadcast({ type: 'reply-text', turnId: 't-audio', text: 'Hello chat!', segment: 0 });
      for (let i = 0; i < 3; i++) d.daemon.hub.broadcast(toneChunk('t-audio', i, 400, 0.8));
      let max = 0;
      const t0 = Date.now();
      // Playback starts once the page has decoded the first chunk, which a loaded machine delays; the
      // mouth is sampled until it opens or 5 s have passed.
      while (max <= 0.4 && Date.now() - t0 < 5000) {
        max = Math.max(max, await handle(page));
        await page.waitForTimeout(40);
      }
      assert.ok(max > 0.4, `mouth opened while audio played (max ${max.toFixed(2)})`);
      assert.equal(await page.locator('#subtitle').textContent(), 'Hello chat!');
      d.daemon.hub.broadcast({ type: 'turn-end', turnId: 't-audio', state: 'done', timings: {} });
      // 1.2 s of audio: the mouth closes once it has played (generous bound for a loaded machine).
      await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.mouth() < 0.02, null, { timeout: 5000 });
      await page.waitForTimeout(200);
      assert.ok((await handle(page)) < 0.02, 'mouth stays closed after the audio');
      const deadline = Date.now() + 3000;
      while (!playback.some((p) => p.turnId === 't-audio' && p.ended) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const ended = playback.find((p) => p.turnId === 't-audio' && p.ended);
      assert.ok(ended, 'playback ended reported');
      assert.equal(ended.heardText, 'Hello chat!');
      assert.ok(playback.filter((p) => p.turnId === 't-audio' && !p.ended).length >= 3, 'progress per chunk');
    } finally {
      off();
    }
  });

  test('audio-stop silences at once and drops the queue', async () => {
    const playback: Array<{ turnId: string; ended: boolean }> = [];
    const off = d.daemon.bus.on('client.playback', (p) => playback.push(p));
    try {
      for (let i = 0; i < 10; i++) d.daemon.hub.broadcast(toneChunk('t-stop', i, 500, 0.9));
      await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.mouth() > 0.3, null, { timeout: 3000 });
      d.daemon.hub.broadcast({ type: 'audio-stop', turnId: 't-stop', reason: 'interrupted' });
      await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.mouth() < 0.05, null, { timeout: 1000 });
      await page.waitForTimeout(700);
      assert.ok((await handle(page)) < 0.02, 'no queued chunk plays later');
      assert.ok(playback.some((p) => p.turnId === 't-stop' && p.ended), 'ended reported');
    } finally {
      off();
    }
  });

  test('the websocket reconnects by itself and the badge shows the state', async () => {
    d.daemon.hub.closeAll(1012, 'test restart');
    await page.waitForFunction(() => document.getElementById('conn')?.dataset.state === 'closed', null, { timeout: 5000 });
    assert.match((await page.locator('#conn').textContent()) ?? '', /retrying/);
    await page.waitForFunction(() => document.getElementById('conn')?.dataset.state === 'open', null, { timeout: 10_000 });
    assert.equal(d.daemon.hub.size, 1, 'connected again');
  });

  test('overlay mode: transparent background, no controls', async () => {
    const overlay = await browser.newPage({ viewport: { width: 480, height: 480 } });
    const overlayErrors = watchErrors(overlay);
    try {
      await overlay.goto(`${d.url}/overlay?still=1`);
      await overlay.waitForFunction(() => (window as unknown as { vtuber?: DebugHandle }).vtuber?.avatarReady === true, null, { timeout: 60_000 });
      d.daemon.hub.broadcast({ type: 'turn-start', turnId: 't-overlay', source: 'text' });
      d.daemon.hub.broadcast({ type: 'reply-text', turnId: 't-overlay', text: 'Welcome to the stream!', segment: 0 });
      d.daemon.hub.broadcast({ type: 'emotion', turnId: 't-overlay', name: 'happy' });
      await overlay.waitForTimeout(800);
      assert.equal(await overlay.locator('.bottombar').isVisible(), false, 'controls hidden');
      assert.equal(await overlay.locator('#subtitle').isVisible(), true, 'subtitles shown');
      const png = await overlay.screenshot({ omitBackground: true });
      saveScreenshot('overlay.png', png);
      const corners = await lab.alphaAt(png, [[0.01, 0.01], [0.99, 0.01], [0.01, 0.6], [0.99, 0.6]]);
      assert.deepEqual(corners, [0, 0, 0, 0], 'background pixels are fully transparent');
      const [center] = await lab.alphaAt(png, [[0.5, 0.35]]);
      assert.equal(center, 255, 'the character is opaque');
      assert.deepEqual(overlayErrors, []);
    } finally {
      await overlay.close();
    }
  });

  test('an uncaught error is logged and shown as a toast without its message', async () => {
    await page.evaluate(() => {
      window.setTimeout(() => {
        throw new TypeError('secret viewer name in message');
      }, 0);
    });
    await page.waitForSelector('.toast-error', { timeout: 5000 });
    const toast = (await page.locator('.toast-error').last().textContent()) ?? '';
    assert.doesNotMatch(toast, /secret/);
    const logged = await page.evaluate(() => (window as unknown as { vtuber: { logs(): Array<{ event: string; data?: Record<string, unknown> }> } }).vtuber.logs().filter((l) => l.event === 'page.uncaught_error'));
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.data?.name, 'TypeError');
    assert.doesNotMatch(JSON.stringify(logged), /secret/);
  });
});
