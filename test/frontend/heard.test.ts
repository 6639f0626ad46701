import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { float32ToInt16, int16ToPcm16leBytes } from '../../src/audio/pcm.ts';
import { vadStage } from '../../src/vad/vad-stage.ts';
import { voiceStage } from '../../src/voice/voice-stage.ts';
import { openaiProvider } from '../agent/agent-daemon.ts';
import { registerScriptedAsr, SCRIPTED_STREAMING_ASR_ENGINE } from '../e2e/scripted-asr-engine.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { audibleSpan, concat, silence, speech, SPEECH_DIR } from '../helpers/speech-fixtures.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';
import { chromiumMissing, launchChromium, saveScreenshot, watchErrors } from './browser.ts';

const TOKEN = 'heard-test-admin-token-0123456789';
const TRANSCRIPT = 'Good evening chat, welcome to the stream everyone.';
const skip = chromiumMissing() ?? (existsSync(`${SPEECH_DIR}/stream-greeting.wav`) ? undefined : `speech fixture missing in ${SPEECH_DIR}`);

const waitOpen = (page: Page, what: string) =>
  page.waitForFunction(() => document.getElementById('conn')?.dataset.state === 'open', null, { timeout: 30_000 }).catch((err: unknown) => {
    throw new Error(`${what}: websocket not open`, { cause: err });
  });
const lines = (page: Page, sel: string) => page.locator(`${sel} .heard-line`).allTextContents();

/**
 * What was heard, end to end: a fixture WAV streams in real time over the websocket through the real
 * Silero VAD into a streaming recognizer (the scripted test engine: no ASR model is installed here;
 * the VAD decides when it opens and closes), the agent answers with a tool call (fake OpenAI server
 * over HTTP, a real registered tool), and both pages in Chromium show partials, the final and the
 * tool's status; the admin turns panel shows the turn's input text.
 */
describe('what was heard: transcript and tool calls on the avatar page and the admin panel', { skip }, () => {
  let fake: FakeOpenAiServer;
  let d: TestDaemon;
  let browser: Browser;
  let avatar: Page;
  let admin: Page;
  let errors: string[];
  let releaseTool: () => void = () => undefined;
  let offTool: () => void = () => undefined;

  before(async () => {
    ensureFrontendBuilt();
    registerScriptedAsr();
    fake = await startFakeOpenAiServer();
    d = await startTestDaemon({
      config: {
        character: { greeting: '', llm: { providers: [{ ...openaiProvider(fake.baseUrl, 'fake'), first_token_timeout_ms: 20_000, idle_timeout_ms: 20_000 }] } },
        asr: { engine: SCRIPTED_STREAMING_ASR_ENGINE },
      },
      env: { VTUBER_ADMIN_TOKEN: TOKEN },
      stages: [vadStage, asrStage, voiceStage, createAgentStage()],
      logLevel: 'info',
    });
    offTool = d.daemon.tools.register({
      name: 'stream_schedule',
      description: 'look up the stream schedule',
      parameters: { type: 'object', properties: {}, additionalProperties: false },
      source: 'test',
      // Held until the test has seen "running" on both pages.
      execute: () => new Promise<string>((resolve) => (releaseTool = () => resolve('next stream: Friday'))),
    });
    browser = await launchChromium();
    avatar = await browser.newPage({ viewport: { width: 900, height: 600 } });
    errors = watchErrors(avatar);
    await avatar.goto(`${d.url}/?still=1&lang=en`);
    admin = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    errors.push(...watchErrors(admin));
    await admin.goto(`${d.url}/admin?lang=en`);
    await admin.fill('#token', TOKEN);
    await admin.click('#login button');
    await admin.waitForSelector('#dashboard:not([hidden])');
    await waitOpen(avatar, 'avatar page');
    await waitOpen(admin, 'admin page');
  });

  after(async () => {
    releaseTool();
    offTool();
    await browser?.close();
    await d?.stop();
    await fake?.close();
  });

  test('partials appear while the WAV streams, then the final; the tool call shows running then done; the turn shows its input', async () => {
    assert.equal(await avatar.locator('#heard').isVisible(), true, 'shown by default on the avatar page');
    assert.equal(await avatar.locator('#heard .heard-empty').textContent(), 'Nothing heard yet.');
    const asr = registerScriptedAsr();
    const greeting = speech('stream-greeting');
    const span = audibleSpan(greeting);
    asr.expect(TRANSCRIPT, span.endMs);
    fake.enqueue({ toolCalls: [{ name: 'stream_schedule', arguments: '{}' }] }, { text: 'The next stream is on Friday!' });

    // Every line the page draws is recorded in the page as it happens (polling from here would miss
    // lines on a loaded machine): partials must show up before the final does.
    await avatar.evaluate(() => {
      const w = window as unknown as { drawn: string[] };
      w.drawn = [];
      const root = document.getElementById('heard-lines') as HTMLElement;
      new MutationObserver(() => root.querySelectorAll('.heard-line').forEach((e) => w.drawn.push(`${e.className}|${e.textContent ?? ''}`))).observe(root, { childList: true, subtree: true, characterData: true });
    });
    const mic = await TestClient.connect(d.wsUrl);
    try {
      const audio = concat(16000, greeting.samples, silence(1200));
      mic.send({ type: 'audio-start', sampleRate: 16000 });
      await mic.waitFor((m) => m.type === 'ack' && m.ref === 'audio-start');
      // Real time: 80 ms of audio every 80 ms, looking at the page as it goes.
      const frame = 1280;
      const t0 = performance.now();
      for (let i = 0, n = 0; i < audio.samples.length; i += frame, n++) {
        mic.sendBinary(int16ToPcm16leBytes(float32ToInt16(audio.samples.subarray(i, i + frame))));
        const due = t0 + (n + 1) * 80 - performance.now();
        if (due > 0) await sleep(due);
      }
      mic.send({ type: 'audio-end' });
    } finally {
      await mic.close();
    }
    await avatar.waitForFunction((t) => Array.from(document.querySelectorAll('#heard .heard-final')).some((e) => e.textContent === t), TRANSCRIPT, { timeout: 15_000 }).catch((err: unknown) => {
      const events = d.logs().map((l) => String(l.event ?? l.msg)).filter((e) => /asr|vad|audio|ws\./.test(e)).slice(-20);
      throw new Error(`no final transcript on the page; server events ${JSON.stringify(events)}`, { cause: err });
    });
    assert.equal(await avatar.locator('#heard .heard-partial').count(), 0, 'the final replaces the partial');
    const drawn = await avatar.evaluate(() => (window as unknown as { drawn: string[] }).drawn);
    const firstFinal = drawn.findIndex((l) => l.includes('heard-final'));
    const partialsSeen = new Set(drawn.slice(0, firstFinal).filter((l) => l.includes('heard-partial')).map((l) => l.split('|')[1] ?? ''));
    assert.ok(partialsSeen.size >= 2, `growing partials were shown before the final: ${JSON.stringify([...partialsSeen])}`);
    for (const p of partialsSeen) assert.ok(TRANSCRIPT.startsWith(p), `partial "${p}" is a prefix of what was said`);
    await admin.waitForFunction((t) => Array.from(document.querySelectorAll('#heard .heard-final')).some((e) => e.textContent === t), TRANSCRIPT, { timeout: 5000 });

    // The agent answers the transcript with a tool call; the tool is held, so "running" must show.
    for (const p of [avatar, admin]) await p.waitForSelector('#heard .heard-tool[data-status="running"]', { timeout: 15_000 });
    assert.deepEqual(await lines(avatar, '#heard'), [TRANSCRIPT, 'tool stream_schedule: running…']);
    saveScreenshot('heard-avatar.png', await avatar.screenshot());
    releaseTool();
    for (const p of [avatar, admin]) await p.waitForSelector('#heard .heard-tool[data-status="completed"]', { timeout: 15_000 });
    assert.deepEqual(await lines(admin, '#heard'), [TRANSCRIPT, 'tool stream_schedule: done']);

    const row = admin.locator('#turns tr[data-turn-id]').first();
    await admin.waitForFunction(() => document.querySelector('#turns tr[data-turn-id] td:nth-child(2)')?.textContent === 'voice', null, { timeout: 5000 });
    assert.equal(await row.locator('td.turn-input').textContent(), TRANSCRIPT, 'the turn shows what it answers');
    assert.equal(await admin.locator('#turns th').nth(2).textContent(), 'input');
    saveScreenshot('heard-admin.png', await admin.screenshot({ fullPage: true }));

    // The same panel in Russian and Chinese.
    await admin.selectOption('#lang', 'ru');
    assert.deepEqual(await lines(admin, '#heard'), [TRANSCRIPT, 'инструмент stream_schedule: готово']);
    assert.equal(await admin.locator('#turns th').nth(2).textContent(), 'вход');
    await admin.selectOption('#lang', 'zh');
    assert.deepEqual(await lines(admin, '#heard'), [TRANSCRIPT, '工具 stream_schedule：完成']);
    assert.equal(await admin.locator('section h2[data-i18n="heard.title"]').textContent(), '听到的内容');
    await admin.selectOption('#lang', 'en');
    assert.deepEqual(errors, []);
  });

  test('the avatar page panel can be switched off (and stays off); the overlay never shows it', async () => {
    await avatar.click('#heard-toggle');
    assert.equal(await avatar.locator('#heard').isVisible(), false);
    assert.equal(await avatar.locator('#heard-toggle').getAttribute('aria-pressed'), 'false');
    await avatar.reload();
    await waitOpen(avatar, 'avatar page after reload');
    assert.equal(await avatar.locator('#heard').isVisible(), false, 'the choice is remembered');
    await avatar.click('#heard-toggle');
    assert.equal(await avatar.locator('#heard').isVisible(), true);

    const overlay = await browser.newPage({ viewport: { width: 600, height: 400 } });
    try {
      await overlay.goto(`${d.url}/overlay?still=1&heard=1`);
      await waitOpen(overlay, 'overlay');
      d.daemon.hub.broadcast({ type: 'transcript', text: 'overlay must not show this', final: true });
      d.daemon.hub.broadcast({ type: 'tool-call-status', callId: 'c-overlay', name: 'x', status: 'running' });
      await avatar.waitForFunction(() => document.querySelector('#heard')?.textContent?.includes('overlay must not show this') === true, null, { timeout: 10_000 }).catch((err: unknown) => {
        throw new Error('the avatar page did not show the transcript', { cause: err });
      });
      assert.equal(await overlay.locator('#heard').isVisible(), false, 'hidden in overlay mode');
      assert.equal(await overlay.locator('#heard .heard-line').count(), 0, 'and not even filled');
    } finally {
      await overlay.close();
    }
  });
});
