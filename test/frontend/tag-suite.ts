import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { STAGE_CUES } from '../../src/live2d/avatar-vocabulary.ts';
import { openaiProvider } from '../agent/agent-daemon.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient, type Received } from '../helpers/ws-client.ts';
import { chromiumMissing, openAvatarPage, saveScreenshot, type PixelLab } from './browser.ts';

interface DebugHandle {
  emotion(): string | undefined;
  lastMotion(): { name: string; via: 'model' | 'procedural' } | undefined;
  motionActive(): boolean;
  snapshot(): { png: string; motionActive: boolean } | undefined;
  stage(): string | undefined;
}
const skip = chromiumMissing();
/**
 * Share of canvas pixels a motion must change at its peak: 0.5 % (800 pixels of 400×400), and ten
 * times what two frames of the resting avatar differ by. Haru is a small full-body figure in a dark
 * suit, so even a clear head tilt changes only a few percent of the canvas.
 */
const MOTION_MIN_SHARE = 0.005;
const vt = (page: Page) => ({
  emotion: () => page.evaluate(() => (window as unknown as { vtuber: DebugHandle }).vtuber.emotion()),
  stage: () => page.evaluate(() => (window as unknown as { vtuber: DebugHandle }).vtuber.stage()),
});

/**
 * Every tag the backend can emit, on one built-in model: the LLM (a fake OpenAI server over HTTP)
 * writes `[emotion: x]` / `[motion: x]` / `[stage: x]`, the real agent parses and resolves it and
 * sends it over the real websocket to the page in Chromium; the rendered avatar must change.
 * Subtitles and controls are hidden so only the avatar is compared.
 */
export function describeTagSuite(model: 'shizuku' | 'haru', part: 'emotions' | 'motions'): void {
  describe(`every ${part === 'emotions' ? 'emotion' : 'motion and stage'} tag the backend emits moves the ${model} avatar`, { skip }, () => {
    let fake: FakeOpenAiServer;
    let d: TestDaemon;
    let browser: Browser;
    let page: Page;
    let lab: PixelLab;
    let errors: string[];
    let client: TestClient;
    let neutral: Buffer;
    /** How much two snapshots of the resting avatar differ (the noise floor). */
    let noise = 0;

    /** One reply turn whose text starts with `tag`; returns the tag message the backend sent. */
    const say = async (tag: string, type: 'emotion' | 'motion' | 'stage-cue', waitForEnd = true): Promise<Received> => {
      const from = client.messages.length;
      client.send({ type: 'text-input', text: `please do ${tag}` });
      // NOTE: a reply can fail before its first token when the HTTP client reuses a keep-alive socket
      // the fake server has just closed (an idle gap between tests); such a turn ends with an
      // LLM_FAILED error and no tag. It is asked again, at most twice; the tag checks are unchanged.
      for (let attempt = 0; ; attempt++) {
        const start = attempt === 0 ? from : client.messages.length;
        if (attempt > 0) client.send({ type: 'text-input', text: `please do ${tag}` });
        const got = await client.waitFor((m) => m.type === type || m.type === 'turn-end', 30_000, start).catch(() => undefined);
        if (got?.type === type) {
          if (waitForEnd) await client.waitFor((m) => m.type === 'turn-end', 30_000, start);
          return got;
        }
        const failed = client.messages.slice(start).some((m) => m.type === 'error' && m.code === 'LLM_FAILED');
        if (!failed || attempt >= 2) {
          const seen = client.messages.slice(from).map((m) => m.type);
          const logs = d.logs().slice(-12).map((l) => `${String(l.event ?? '')} ${String(l.msg ?? '')} ${String(l.err ?? '')}`);
          throw new Error(`${tag}: no ${type}; received ${JSON.stringify(seen)}; logs ${JSON.stringify(logs)}`);
        }
      }
    };
    /** The avatar drawn now by the page's renderer, and whether a motion was playing then. */
    const snapshot = async (): Promise<{ png: Buffer; active: boolean }> => {
      const s = await page.evaluate(() => (window as unknown as { vtuber: DebugHandle }).vtuber.snapshot());
      assert.ok(s, 'avatar ready');
      return { png: Buffer.from(s.png.replace(/^data:image\/png;base64,/, ''), 'base64'), active: s.motionActive };
    };

    before(async () => {
      ensureFrontendBuilt();
      fake = await startFakeOpenAiServer();
      // The model answers with the tag the test asked for, then a few words.
      fake.handle((req) => {
        const asked = /\[[^\]]+\]/.exec(String(req.messages.at(-1)?.content ?? ''));
        return { text: `${asked?.[0] ?? ''} Okay then.` };
      });
      d = await startTestDaemon({
        // Generous timeouts: a loaded machine must not turn a reply into the apology.
        config: { character: { greeting: '', live2d: { model }, llm: { providers: [{ ...openaiProvider(fake.baseUrl, 'fake'), connect_timeout_ms: 10_000, first_token_timeout_ms: 20_000, idle_timeout_ms: 20_000 }] } } },
        stages: [createAgentStage()],
        logLevel: 'info',
      });
      ({ browser, page, lab, errors } = await openAvatarPage(d.url, 400));
      await page.addStyleTag({ content: 'body > *:not(#stage) { visibility: hidden !important; }' });
      client = await TestClient.connect(d.wsUrl);
      // The resting avatar, once the hair physics has settled after loading (bounded wait).
      neutral = (await snapshot()).png;
      for (const t0 = Date.now(); Date.now() - t0 < 10_000; ) {
        await page.waitForTimeout(300);
        const next = (await snapshot()).png;
        noise = await lab.diffFraction(neutral, next);
        neutral = next;
        if (noise < 0.001) break;
      }
      if (part === 'emotions') saveScreenshot(`tags-${model}-neutral.png`, neutral);
    });

    after(async () => {
      await client?.close();
      await browser?.close();
      await d?.stop();
      await fake?.close();
    });

    const only = (which: typeof part) => (which === part ? test : test.skip);

    only('emotions')('every emotion in the character list reaches the page by name and changes the face', async () => {
      const emotions = d.daemon.config.character.emotions;
      assert.ok(emotions.length >= 12, 'the default list is offered');
      const diffs: string[] = [];
      for (const name of emotions.filter((e) => e !== 'neutral')) {
        const msg = await say(`[emotion: ${name}]`, 'emotion');
        assert.equal(msg.name, name, 'the backend emits the vocabulary name');
        await page.waitForFunction((n) => (window as unknown as { vtuber: DebugHandle }).vtuber.emotion() === n, name, { timeout: 5000 });
        await page.waitForTimeout(700); // ease in (~3 × 140 ms) and let physics settle
        const shot = (await snapshot()).png;
        const diff = await lab.diffFraction(neutral, shot);
        diffs.push(`${name} ${(diff * 100).toFixed(2)}%`);
        saveScreenshot(`tags-${model}-emotion-${name}.png`, shot);
        assert.ok(diff > 0.004, `${name} changes the rendered avatar on ${model} (${(diff * 100).toFixed(2)} % of pixels)`);
      }
      console.log(`${model} emotions vs neutral: ${diffs.join(', ')}`);
      // Neutral is the face the others are measured from: it brings the avatar back to it.
      const msg = await say('[emotion: neutral]', 'emotion');
      assert.equal(msg.name, 'neutral');
      await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.emotion() === 'neutral', null, { timeout: 5000 });
      // The face eases back at once; hair physics may swing on for a few seconds (bounded wait).
      let back = 1;
      for (const t0 = Date.now(); Date.now() - t0 < 8000 && back >= 0.002; await page.waitForTimeout(500)) back = await lab.diffFraction(neutral, (await snapshot()).png);
      assert.ok(back < 0.002, `neutral restores the neutral face (${(back * 100).toFixed(2)} % differ)`);
      assert.deepEqual(errors, []);
    });

    only('motions')('every motion in the character list (and an alias the LLM may write) plays on the page', async () => {
      const motions = [...d.daemon.config.character.motions];
      const rest = neutral;
      const MOTION_MIN = Math.max(MOTION_MIN_SHARE, noise * 10);
      assert.deepEqual(motions, ['wave', 'nod', 'shake_head', 'bow', 'jump', 'tilt_head']);
      const diffs: string[] = [];
      for (const [written, expected] of [...motions.map((m) => [m, m] as const), ['shaking head', 'shake_head'] as const]) {
        // The strongest change from neutral while the motion plays (sampled; motions last about a
        // second). A loaded machine may take no frame inside the motion: then the tag is sent again.
        let best = 0;
        let bestShot = rest;
        let framesInMotion = 0;
        for (let attempt = 0; attempt < 4 && (best <= MOTION_MIN || framesInMotion < 3); attempt++) {
          const from = client.messages.length;
          const msg = await say(`[motion: ${written}]`, 'motion', false);
          assert.equal(msg.name, expected, `[motion: ${written}] is sent as ${expected}`);
          const t0 = Date.now();
          while (Date.now() - t0 < 3000) {
            const shot = await snapshot();
            // Only frames drawn while the motion still plays count.
            if (!shot.active) break;
            framesInMotion++;
            const diff = await lab.diffFraction(rest, shot.png);
            if (diff > best) [best, bestShot] = [diff, shot.png];
          }
          await client.waitFor((m) => m.type === 'turn-end', 30_000, from);
          await page.waitForTimeout(400);
        }
        const last = await page.evaluate(() => (window as unknown as { vtuber: DebugHandle }).vtuber.lastMotion());
        assert.equal(last?.name, expected);
        diffs.push(`${expected} ${(best * 100).toFixed(2)}% (${last?.via}, ${framesInMotion} frames)`);
        if (written === expected) saveScreenshot(`tags-${model}-motion-${expected}.png`, bestShot);
        if (best <= MOTION_MIN) console.log(`${model} motions so far: ${diffs.join(', ')}`);
        assert.ok(best > MOTION_MIN, `${expected} visibly moves ${model} (${(best * 100).toFixed(2)} % of pixels at its peak)`);
      }
      console.log(`${model} motions, peak change vs neutral: ${diffs.join(', ')}; rest noise ${(noise * 100).toFixed(3)}%`);
      // Hair physics swings on for a few seconds after a big move: wait (bounded) until it is still.
      let settled = 1;
      for (const t0 = Date.now(); Date.now() - t0 < 8000 && settled >= 0.002; await page.waitForTimeout(500)) settled = await lab.diffFraction(rest, (await snapshot()).png);
      assert.ok(settled < 0.002, `after the motions the avatar is back at rest (${(settled * 100).toFixed(2)} %)`);
      assert.deepEqual(errors, []);
    });

    only('motions')('[stage: hype|calm] reach plugins on the bus and the page as stage-cue, changing idle energy', async () => {
      assert.deepEqual([...STAGE_CUES], ['hype', 'calm']);
      const cues: Array<{ turnId: string; name: string }> = [];
      const off = d.daemon.bus.on('agent.stage_cue', (c) => cues.push(c));
      /** Pixels changed between two frames 250 ms apart: how much the idle moves on its own. */
      const liveliness = async (): Promise<number> => {
        let sum = 0;
        for (let i = 0; i < 3; i++) {
          const a = (await snapshot()).png;
          await page.waitForTimeout(250);
          sum += await lab.diffFraction(a, (await snapshot()).png);
        }
        return sum / 3;
      };
      try {
        const before = await liveliness();
        const calm = await say('[stage: calm]', 'stage-cue');
        assert.equal(calm.name, 'calm');
        assert.deepEqual(cues.at(-1), { turnId: calm.turnId, name: 'calm' }, 'the bus carries the cue with its turn');
        await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.stage() === 'calm', null, { timeout: 5000 });
        await page.waitForTimeout(900);
        const calmShot = (await snapshot()).png;
        saveScreenshot(`tags-${model}-stage-calm.png`, calmShot);
        const calmed = await liveliness();
        const calmFace = await lab.diffFraction(neutral, calmShot);
        const hype = await say('[stage: hype]', 'stage-cue');
        assert.equal(hype.name, 'hype');
        assert.deepEqual(cues.at(-1), { turnId: hype.turnId, name: 'hype' });
        // The test's socket can hear the cue before the page has drawn it: wait for the page, bounded.
        await page.waitForFunction(() => (window as unknown as { vtuber: DebugHandle }).vtuber.stage() === 'hype', null, { timeout: 5000 });
        await page.waitForTimeout(900);
        saveScreenshot(`tags-${model}-stage-hype.png`, (await snapshot()).png);
        const hyped = await liveliness();
        console.log(`${model} idle movement per 250 ms: still ${(before * 100).toFixed(2)}%, calm ${(calmed * 100).toFixed(2)}%, hype ${(hyped * 100).toFixed(2)}%; calm face vs neutral ${(calmFace * 100).toFixed(2)}%`);
        assert.ok(calmFace > 0.004, `calm changes the rendered avatar (${(calmFace * 100).toFixed(2)} %)`);
        assert.ok(hyped > 0.01 && hyped > before * 5, `hype makes the idle lively (${(hyped * 100).toFixed(2)} % vs ${(before * 100).toFixed(2)} %)`);
        assert.ok(calmed < hyped / 3, `calm moves far less than hype (${(calmed * 100).toFixed(2)} %)`);
        // A cue the page does not know still reaches the bus for plugins and changes nothing on the page.
        const other = await say('[stage: intermission]', 'stage-cue');
        assert.equal(other.name, 'intermission');
        assert.equal(cues.at(-1)?.name, 'intermission');
        assert.equal(await vt(page).stage(), 'hype');
        assert.equal(await vt(page).emotion(), 'neutral');
        assert.deepEqual(errors, []);
      } finally {
        off();
      }
    });
  });
}
