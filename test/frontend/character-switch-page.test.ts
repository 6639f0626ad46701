import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { ttsStage } from '../../src/tts/index.ts';
import { ScriptedProvider } from '../agent/scripted-provider.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, launchChromium, PixelLab, saveScreenshot, watchErrors } from './browser.ts';

// The scenario in a real Chromium against a real daemon with espeak-ng: a reply plays on the
// avatar page, the streamer switches Aria → Лена from the admin page, the page stops the audio, draws
// the new model and plays the greeting; a broken card is refused with its line; a card is edited.
const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
const skip = chromiumMissing() ?? (hasEspeak ? false : 'espeak-ng is not installed (apt-get install -y espeak-ng)');
const TOKEN = 'character-page-admin-token-0123';
const GREETING = 'Привет! Это Лена.';

interface PageHandle {
  avatarReady: boolean;
  character: string;
  audioPlaying(): boolean;
  playedTurns(): string[];
  stoppedTurns(): string[];
}

describe('switching characters from the admin page while a reply plays (Chromium)', { skip }, () => {
  let d: TestDaemon;
  let browser: Browser;
  let avatar: Page;
  let admin: Page;
  let lab: PixelLab;
  let errors: string[];
  let chars: string;
  const llm = new ScriptedProvider([], { chunks: ['Okay.'] });

  before(async () => {
    ensureFrontendBuilt();
    chars = mkdtempSync(path.join(os.tmpdir(), 'vtuber-page-chars-'));
    writeFileSync(path.join(chars, 'aria.yaml'), ['# Aria speaks English.', 'display_name: Aria', 'language: en', 'description: The English co-host', 'greeting: ""', 'voice:', '  engines: [espeak]', '  espeak: { voice: en-us }', 'live2d: { model: shizuku }', ''].join('\n'));
    writeFileSync(path.join(chars, 'lena.yaml'), ['# Лена говорит по-русски.', 'display_name: Лена', 'language: ru', `greeting: "${GREETING}"`, 'voice:', '  engines: [espeak]', '  espeak: { voice: ru }', 'live2d: { model: haru }', ''].join('\n'));
    writeFileSync(path.join(chars, 'broken.yaml'), 'display_name: Broken\nlanguage: en\nstream_mode: "sometimes"\n');
    d = await startTestDaemon({
      config: 'active_character: aria\n',
      env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_CHARACTERS_DIR: chars },
      stages: [ttsStage, createAgentStage({ llm: () => ({ provider: llm }) })],
      logLevel: 'info',
    });
    browser = await launchChromium();
    lab = await PixelLab.open(browser);
    avatar = await browser.newPage({ viewport: { width: 400, height: 400 } });
    errors = watchErrors(avatar);
    await avatar.goto(`${d.url}/?still=1&lang=en`);
    await avatar.waitForFunction(() => (window as unknown as { vtuber?: PageHandle }).vtuber?.avatarReady === true, null, { timeout: 60_000 });
    admin = await browser.newPage({ viewport: { width: 1000, height: 1100 } });
    errors.push(...watchErrors(admin));
    await admin.goto(`${d.url}/admin?lang=en`);
    await admin.fill('#token', TOKEN);
    await admin.click('#login button');
    await admin.waitForSelector('#char-select option[value="lena"]', { state: 'attached', timeout: 10_000 });
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  test('a broken card is refused with its line, and nothing changes', async () => {
    assert.match((await admin.locator('#char-broken').textContent()) ?? '', /broken\.yaml:3:\d+ character\.stream_mode/);
    await admin.selectOption('#char-select', 'broken');
    await admin.click('#char-switch-button');
    await admin.waitForFunction(() => document.getElementById('char-result')?.dataset.state === 'error', null, { timeout: 10_000 });
    assert.match((await admin.locator('#char-result').textContent()) ?? '', /broken\.yaml:3/);
    assert.equal(d.daemon.characters.active, 'aria');
    assert.match(readFileSync(path.join(d.dir, 'conf.yaml'), 'utf8'), /active_character: aria/);
  });

  test('mid-reply switch: audio stops, the new model is drawn, the greeting plays in the new voice, both pages name Лена', async () => {
    const before = await avatar.locator('#avatar').screenshot();
    saveScreenshot('character-switch-before.png', await avatar.screenshot());
    llm.script({ chunks: ['Let me tell you a long story about this stream. ', 'It started on a rainy evening. ', 'Nobody expected what came next. ', 'And it went on for hours.'], tokenDelayMs: 150 });
    // The page's audio is unlocked by a click, as a streamer's would be.
    await avatar.mouse.click(5, 5);
    await avatar.fill('#text', 'Tell me a story');
    await avatar.press('#text', 'Enter');
    await avatar.waitForFunction(() => (window as unknown as { vtuber: PageHandle }).vtuber.audioPlaying(), null, { timeout: 20_000 });
    const playedBefore = await avatar.evaluate(() => (window as unknown as { vtuber: PageHandle }).vtuber.playedTurns());
    assert.equal(playedBefore.length, 1, 'the reply is playing on the page');

    // Every text the subtitle line shows from here on (a short greeting may be cleared before we look).
    await avatar.evaluate(() => {
      const w = window as unknown as { subs: string[] };
      w.subs = [];
      const el = document.getElementById('subtitle') as HTMLElement;
      new MutationObserver(() => w.subs.push(el.textContent ?? '')).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await admin.selectOption('#char-select', 'lena');
    await admin.selectOption('#char-queue', 'keep');
    await admin.click('#char-switch-button');
    await admin.waitForFunction(() => /Лена|lena/.test(document.getElementById('char-result')?.textContent ?? '') && document.getElementById('char-result')?.dataset.state === 'ok' && !/…/.test(document.getElementById('char-result')?.textContent ?? ''), null, { timeout: 20_000 });

    // The new model is drawn (Haru, not Shizuku) and the page names the new character.
    await avatar.waitForFunction(() => document.body.dataset.model === 'haru' && (window as unknown as { vtuber: PageHandle }).vtuber.avatarReady, null, { timeout: 60_000 });
    assert.equal(await avatar.locator('#character').textContent(), 'Лена');
    // The greeting is a new turn that plays on the page after the old reply was stopped.
    await avatar.waitForFunction((n) => (window as unknown as { vtuber: PageHandle }).vtuber.playedTurns().length > n, playedBefore.length, { timeout: 20_000 });
    const played = await avatar.evaluate(() => (window as unknown as { vtuber: PageHandle }).vtuber.playedTurns());
    const greetingTurn = played.at(-1) as string;
    const stopped = await avatar.evaluate(() => (window as unknown as { vtuber: PageHandle }).vtuber.stoppedTurns());
    assert.deepEqual(stopped, playedBefore, 'the reply that was playing was cut off on the page');
    await avatar.waitForFunction(() => (window as unknown as { subs: string[] }).subs.some((t) => /Привет/.test(t)), null, { timeout: 10_000 });
    const tts = d.daemon.status.get('stage', 'tts');
    assert.deepEqual((tts?.info as { voices?: Record<string, string> } | undefined)?.voices, { espeak: 'ru' }, 'the greeting was synthesized with the Russian espeak-ng voice');
    assert.ok(greetingTurn !== playedBefore[0]);

    await avatar.waitForTimeout(800);
    const after = await avatar.locator('#avatar').screenshot();
    const diff = await lab.diffFraction(before, after);
    assert.ok(diff > 0.1, `the drawn model changed (${(diff * 100).toFixed(1)} % of pixels)`);
    assert.ok((await lab.contentFraction(after)) > 0.05, 'the new model is drawn, not a blank canvas');
    saveScreenshot('character-switch-after.png', await avatar.screenshot());

    await admin.waitForFunction(() => /Лена \(lena\)/.test(document.getElementById('char-name')?.textContent ?? ''), null, { timeout: 10_000 });
    await admin.waitForFunction(() => /haru/.test(document.getElementById('char-model')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.equal(d.daemon.turns.list().length <= 1, true);
    assert.deepEqual(errors, []);
  });

  test('a card is edited from the admin page (comments kept); an invalid edit names the key and line and writes nothing', async () => {
    const file = path.join(chars, 'aria.yaml');
    await admin.selectOption('#char-select', 'aria');
    await admin.click('#card-edit');
    await admin.waitForFunction(() => (document.getElementById('card-yaml') as HTMLTextAreaElement | null)?.value.includes('Aria speaks English'), null, { timeout: 5000 });
    await admin.fill('#card-description', 'The English co-host, now with puns');
    await admin.click('#card-save');
    await admin.waitForFunction(() => document.getElementById('card-error')?.dataset.state === 'ok' && (document.getElementById('card-error')?.textContent ?? '') !== '', null, { timeout: 5000 });
    const saved = readFileSync(file, 'utf8');
    assert.match(saved, /^# Aria speaks English\./);
    assert.match(saved, /description: The English co-host, now with puns/);

    const broken = saved.replace('language: en', 'language: en\nstream_mode: "sometimes"');
    await admin.fill('#card-yaml', broken);
    await admin.click('#card-save');
    await admin.waitForFunction(() => document.getElementById('card-error')?.dataset.state === 'error', null, { timeout: 5000 });
    assert.match((await admin.locator('#card-error').textContent()) ?? '', /aria\.yaml:4:\d+ character\.stream_mode: wrong type/);
    assert.equal(readFileSync(file, 'utf8'), saved, 'nothing written');
    saveScreenshot('admin-character-cards.png', await admin.locator('#characters').screenshot());
  });
});
