// The admin "Get a model" card and the ASR chip's tooltip, in real Chromium, against the real daemon
// and the local fakes of Hugging Face, the GitHub release API and a slow CDN (test/fakes/fake-model-hosts.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { asrStage } from '../../src/asr/asr-stage.ts';
import { startFakeModelHosts, type FakeModelHosts } from '../fakes/fake-model-hosts.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, openAdminPage, saveScreenshot, watchErrors } from './browser.ts';

const TOKEN = 'admin-token-for-tests-0123456789';
const skip = chromiumMissing();
const hf = (file: string): string => `https://huggingface.co/Qwen/Tiny-GGUF/resolve/main/${file}`;

describe('"Get a model" card and the ASR chip in Chromium', { skip }, () => {
  let hosts: FakeModelHosts;
  let d: TestDaemon;
  let dir: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-get-model-'));
    // 3 MB at 48 KB every 40 ms: about 2.5 s, so the page shows the download under way.
    hosts = await startFakeModelHosts({ ggufBytes: 3_000_000, pieceBytes: 48_000, pieceDelayMs: 40 });
    const registry = {
      models: [
        { name: 'tiny-llm-q4', kind: 'llm', description: 'a small test LLM', files: [{ path: 'small.gguf', url: hf('small.gguf'), size: 3_000_000 }], expect: ['small.gguf'] },
        { name: 'tiny-voice', kind: 'tts', description: 'a small test voice', files: [{ path: 'voice.bin', url: 'https://github.com/k2-fsa/sherpa-onnx/releases/download/tts-models/voice.bin', approx_size: 30_000 }], expect: ['voice.bin'] },
      ],
      profiles: { en: { description: 'English show: local LLM and voice', models: ['tiny-llm-q4', 'tiny-voice'] }, ru: { description: 'Russian show: local LLM', models: ['tiny-llm-q4'] } },
    };
    writeFileSync(path.join(dir, 'registry.json'), JSON.stringify(registry));
    process.env.VTUBER_MODELS_REGISTRY = path.join(dir, 'registry.json');
    process.env.VTUBER_HF_ENDPOINT = hosts.hfEndpoint;
    process.env.VTUBER_GITHUB_API = hosts.githubApi;
    // An empty models folder: the real ASR stage reports its model missing, with the pull command.
    d = await startTestDaemon({ env: { VTUBER_ADMIN_TOKEN: TOKEN, VTUBER_MODELS_DIR: path.join(dir, 'models') }, stages: [asrStage] });
    ({ browser, page, errors } = await openAdminPage(d.url, { token: TOKEN, width: 1100, height: 900 }));
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
    await hosts?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the card lists each profile with its pull command; Download streams bytes, rate and ETA per file until done', async () => {
    await page.waitForSelector('#get-model .profile[data-profile="en"]', { timeout: 10_000 });
    assert.equal(await page.locator('#get-model h2').textContent(), 'Get a model');
    assert.equal(await page.locator('#get-model .profile[data-profile="en"] code.command').textContent(), 'npm run models -- pull --profile en');
    assert.equal(await page.locator('#get-model .profile[data-profile="ru"] code.command').textContent(), 'npm run models -- pull --profile ru');
    assert.match((await page.locator('#get-model .profile[data-profile="en"]').textContent()) ?? '', /about 3\.0 MB · not installed/);

    await page.click('#get-model button[data-profile="en"]');
    const row = page.locator('#get-model .file[data-model="tiny-llm-q4"][data-state="downloading"]');
    await row.waitFor({ timeout: 10_000 });
    await page.waitForFunction(
      () => /MB \/ 3\.0 MB · [\d.]+ (KB|MB)\/s · ETA \d+:\d\d/.test(document.querySelector('#get-model .file[data-model="tiny-llm-q4"] .figures')?.textContent ?? ''),
      null,
      { timeout: 10_000 },
    );
    const figures = (await row.locator('.figures').textContent()) ?? '';
    assert.match(figures, /^[\d.]+ (KB|MB) \/ 3\.0 MB · [\d.]+ (KB|MB)\/s · ETA \d+:\d\d$/);
    assert.ok(await page.locator('#get-model button[data-profile="en"]').isDisabled(), 'no second pull while one runs');
    const value = await row.locator('progress').evaluate((p) => (p as HTMLProgressElement).value / (p as HTMLProgressElement).max);
    assert.ok(value > 0 && value < 1, `the bar is part-way (${value})`);
    saveScreenshot('get-a-model.png', await page.locator('#get-model').screenshot());

    await page.waitForSelector('#get-model .outcome-done', { timeout: 20_000 });
    assert.match((await page.locator('#get-model .outcome-done').textContent()) ?? '', /Restart the daemon/);
    await page.waitForFunction(() => /installed/.test(document.querySelector('#get-model .profile[data-profile="en"] .ok')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.equal(await page.locator('#get-model .file[data-model="tiny-voice"]').getAttribute('data-state'), 'done');
    assert.deepEqual(errors, []);
  });

  test('the card follows the page language (RU, ZH)', async () => {
    await page.selectOption('#lang', 'ru');
    assert.equal(await page.locator('#get-model h2').textContent(), 'Загрузить модель');
    assert.match((await page.locator('#get-model button[data-profile="ru"]').textContent()) ?? '', /Скачать/);
    await page.selectOption('#lang', 'zh');
    assert.equal(await page.locator('#get-model h2').textContent(), '获取模型');
    await page.selectOption('#lang', 'en');
  });

  test('the ASR chip on the avatar page names its pull command in its tooltip, in EN, RU and ZH', async () => {
    const avatar = await browser.newPage({ viewport: { width: 640, height: 640 } });
    const avatarErrors = watchErrors(avatar);
    try {
      for (const [lang, prefix] of [
        ['en', 'Get it with: '],
        ['ru', 'Установить: '],
        ['zh', '获取方式：'],
      ] as const) {
        await avatar.goto(`${d.url}/?still=1&lang=${lang}`);
        const chip = avatar.locator('#stages [data-name="asr"]');
        await chip.waitFor({ timeout: 15_000 });
        const title = (await chip.getAttribute('title')) ?? '';
        assert.ok(title.includes(`${prefix}npm run models -- pull sherpa-onnx-streaming-zipformer-en-20M-2023-02-17`), `${lang}: ${title}`);
        assert.match(title, /not found/, 'the detail line stays first');
      }
      assert.deepEqual(avatarErrors.filter((e) => !/Live2D|WebGL/i.test(e)), []);
    } finally {
      await avatar.close();
    }
  });
});
