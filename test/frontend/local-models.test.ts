// The admin "Found on this computer" card in real Chromium, against the real daemon (agent stage) and a
// fake Ollama on a free 127.0.0.1 port that lists two chat models and an embedding model.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { startFakeOllama, type FakeOllama } from '../fakes/fake-ollama.ts';
import { closedPortUrl } from '../fakes/fake-openai-server.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, openAdminPage, saveScreenshot, watchErrors } from './browser.ts';

const TOKEN = 'admin-token-for-tests-0123456789';
const skip = chromiumMissing();

describe('"Found on this computer" card in Chromium', { skip }, () => {
  let fake: FakeOllama;
  let d: TestDaemon;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dead: string;

  before(async () => {
    ensureFrontendBuilt();
    fake = await startFakeOllama(['nomic-embed-text:latest', 'llama3.2:1b', 'qwen2.5:3b']);
    dead = new URL(await closedPortUrl()).origin;
    d = await startTestDaemon({
      config: { character: { greeting: '', llm: { providers: [], discovery: { enabled: true, ollama_url: new URL(fake.baseUrl).origin, lmstudio_url: dead, timeout_ms: 1000 } } } },
      stages: [createAgentStage()],
      env: { VTUBER_ADMIN_TOKEN: TOKEN },
    });
    ({ browser, page, errors } = await openAdminPage(d.url, { token: TOKEN, width: 1100, height: 900 }));
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
    await fake?.close();
  });

  test('the card shows the found Ollama and its chat models; Use on the second marks it in use and shows the conf.yaml lines', async () => {
    const card = page.locator('#local-models');
    await page.waitForSelector('#local-models .local-server[data-server="ollama"] .local-model', { timeout: 20_000 });
    assert.equal(await card.locator('h2').textContent(), 'Found on this computer');
    assert.match((await card.locator('.local-server[data-server="ollama"] p').textContent()) ?? '', new RegExp(`^Ollama ${fake.baseUrl.replace(/[.]/g, '\\.')}$`));
    assert.deepEqual(await card.locator('.local-model').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.model, (e as HTMLElement).dataset.inUse])), [
      ['llama3.2:1b', 'true'],
      ['qwen2.5:3b', 'false'],
    ]);
    assert.equal(await card.locator('.local-model[data-model="llama3.2:1b"] .in-use').textContent(), 'in use');
    assert.ok(await card.locator('button.use[data-model="llama3.2:1b"]').isDisabled(), 'the model in use has no Use button to press');

    await card.locator('button.use[data-model="qwen2.5:3b"]').click();
    await page.waitForSelector('#local-models .local-model[data-model="qwen2.5:3b"][data-in-use="true"]', { timeout: 10_000 });
    assert.equal(await card.locator('.local-model[data-model="llama3.2:1b"]').getAttribute('data-in-use'), 'false');
    assert.equal(await card.locator('.local-model[data-model="qwen2.5:3b"] .in-use').textContent(), 'in use');
    assert.match((await card.locator('.chosen').textContent()) ?? '', /qwen2\.5:3b answers from the next turn until the daemon restarts/);
    const yaml = (await card.locator('pre.conf-yaml').textContent()) ?? '';
    assert.match(yaml, /providers:\n\s+- type: openai\n\s+base_url: http:\/\/127\.0\.0\.1:\d+\/v1\n\s+model: qwen2\.5:3b/);
    saveScreenshot('local-models.png', await card.screenshot());
    assert.deepEqual(errors, []);
  });

  test('RU labels (?lang=ru)', async () => {
    await page.goto(`${d.url}/admin?lang=ru`);
    await page.waitForSelector('#local-models .local-model[data-model="qwen2.5:3b"]', { timeout: 20_000 });
    const card = page.locator('#local-models');
    assert.equal(await card.locator('h2').textContent(), 'Найдено на этом компьютере');
    assert.equal(await card.locator('button.look-again').textContent(), 'Искать снова');
    assert.equal(await card.locator('button.use[data-model="llama3.2:1b"]').textContent(), 'Использовать');
    assert.equal(await card.locator('.local-model[data-model="qwen2.5:3b"] .in-use').textContent(), 'используется');
  });

  test('with no server answering, the card names the probed URLs and how to start one', async () => {
    const none = await startTestDaemon({
      config: { character: { greeting: '', llm: { providers: [], discovery: { enabled: true, ollama_url: dead, lmstudio_url: dead, timeout_ms: 500 } } } },
      stages: [createAgentStage()],
      env: { VTUBER_ADMIN_TOKEN: TOKEN },
    });
    const other = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    const otherErrors = watchErrors(other);
    try {
      await other.goto(`${none.url}/admin`);
      await other.fill('#token', TOKEN);
      await other.click('#login button');
      const card = other.locator('#local-models');
      await other.waitForSelector('#local-models p.none', { timeout: 20_000 });
      assert.equal(await card.locator('p.none').textContent(), `No local server answered at ${dead} (Ollama) or ${dead} (LM Studio).`);
      assert.match((await card.locator('.how-to-start').textContent()) ?? '', /ollama serve.*LM Studio/);
      assert.equal(await card.locator('.local-server').count(), 0);
      assert.deepEqual(otherErrors, []);
    } finally {
      await other.close();
      await none.stop();
    }
  });
});
