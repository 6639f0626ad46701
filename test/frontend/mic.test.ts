import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { pcm16leBytesToInt16 } from '../../src/audio/pcm.ts';
import { ROOT_DIR } from '../../src/config/env.ts';
import { vadStage } from '../../src/vad/vad-stage.ts';
import { voiceStage } from '../../src/voice/voice-stage.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, launchChromium, watchErrors } from './browser.ts';

const FIXTURE = path.join(ROOT_DIR, '..', 'shared', 'fixtures', 'speech', 'stream-greeting.wav');
const skip = chromiumMissing() ?? (existsSync(FIXTURE) ? undefined : `speech fixture missing: ${FIXTURE}`);

describe('microphone capture in Chromium (fake audio device)', { skip }, () => {
  let d: TestDaemon;
  let browser: Browser;

  before(async () => {
    ensureFrontendBuilt();
    d = await startTestDaemon({ stages: [vadStage, voiceStage] });
    browser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${FIXTURE}`]);
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  test('always-on mode streams 16 kHz PCM16 speech the server receives in real time; mute and push-to-talk gate it', async () => {
    const starts: number[] = [];
    let samples = 0;
    let sumSq = 0;
    let ends = 0;
    const offs = [
      d.daemon.bus.on('audio.start', (e) => starts.push(e.sampleRate)),
      // Audio never goes on the bus; the voice stage's monitor sees each frame as the socket hands it over.
      d.daemon.services.get('voice')!.monitor((_uid, bytes) => {
        const pcm = pcm16leBytesToInt16(bytes);
        samples += pcm.length;
        for (const s of pcm) sumSq += (s / 32768) ** 2;
      }),
      d.daemon.bus.on('audio.end', () => ends++),
    ];
    const page = await browser.newPage({ viewport: { width: 480, height: 480 } });
    const errors = watchErrors(page);
    try {
      await page.goto(`${d.url}/?still=1&mic=always`);
      const deadline = Date.now() + 15_000;
      while (samples === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(starts, [16000], 'audio-start declares 16 kHz once');
      // The rate is judged on the audio thread's clock: each sent frame carries the audio time it was
      // captured at, so a loaded machine that delays the page's message handling cannot skew the figure.
      const micStats = () => page.evaluate(() => (window as unknown as { vtuber: { mic(): { samplesSent: number; audioClock: number } } }).vtuber.mic());
      const a = await micStats();
      const s0 = samples;
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 2500));
      const b = await micStats();
      const rate = (b.samplesSent - a.samplesSent) / (b.audioClock - a.audioClock);
      assert.ok(rate > 16000 * 0.95 && rate < 16000 * 1.05, `16000 samples per second of captured audio are sent (${Math.round(rate)})`);
      const wall = ((samples - s0) * 1000) / (performance.now() - t0);
      assert.ok(wall > 16000 * 0.3, `the server receives them while they are captured (${Math.round(wall)} per wall-clock second)`);
      const rms = Math.sqrt(sumSq / samples);
      assert.ok(rms > 0.01, `the fixture's speech comes through, not silence (rms ${rms.toFixed(4)})`);
      const level = await page.locator('#mic-level').evaluate((el) => (el as HTMLMeterElement).value);
      assert.ok(level >= 0, 'level meter present');

      await page.click('#mute');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(ends, 1, 'mute ends the stream');
      assert.equal(samples, (await micStats()).samplesSent, 'the server got every sample the page sent');
      const muted = samples;
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(samples, muted, 'nothing is sent while muted');
      await page.click('#mute');
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(samples > muted, 'unmute resumes');
      assert.deepEqual(starts, [16000, 16000]);

      await page.selectOption('#mic-mode', 'ptt');
      await new Promise((r) => setTimeout(r, 300));
      const idle = samples;
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(samples, idle, 'push-to-talk sends nothing until pressed');
      await page.locator('#ptt').dispatchEvent('pointerdown');
      await new Promise((r) => setTimeout(r, 500));
      await page.locator('#ptt').dispatchEvent('pointerup');
      assert.ok(samples - idle > 16000 * 0.2, 'holding the button streams');
      assert.deepEqual(errors, []);
    } finally {
      for (const off of offs) off();
      await page.close();
    }
  });
});
