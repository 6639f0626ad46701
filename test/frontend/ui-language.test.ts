import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, launchChromium, watchErrors } from './browser.ts';

const skip = chromiumMissing();

/** The pages follow the daemon's UI language (the character's) unless the viewer chose one. */
describe('UI language follows the character unless the viewer chose one', { skip }, () => {
  let ru: TestDaemon;
  let zh: TestDaemon;
  let browser: Browser;

  before(async () => {
    ensureFrontendBuilt();
    ru = await startTestDaemon({ config: { active_character: 'neiri', character: { greeting: '' } } });
    zh = await startTestDaemon({ config: { frontend: { language: 'zh' }, character: { greeting: '' } } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await ru?.stop();
    await zh?.stop();
  });

  const textOf = async (url: string, selector: string): Promise<{ text: string; lang: string; errors: string[] }> => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    await page.waitForFunction((s) => (document.querySelector(s)?.textContent ?? '').trim().length > 0, selector, { timeout: 15_000 });
    // The daemon's language arrives with /api/frontend-config after the first paint.
    await page.waitForTimeout(500);
    const text = ((await page.locator(selector).first().textContent()) ?? '').trim();
    const lang = await page.evaluate(() => document.documentElement.lang);
    await context.close();
    return { text, lang, errors };
  };

  test('Нейри (language: ru): an English browser gets the Russian avatar and admin pages', async () => {
    const avatar = await textOf(`${ru.url}/?still=1`, '#say button');
    assert.equal(avatar.lang, 'ru');
    assert.equal(avatar.text, 'Отправить');
    const admin = await textOf(`${ru.url}/admin`, 'h1');
    assert.equal(admin.lang, 'ru');
    assert.equal(admin.text, 'Панель управления');
  });

  test('frontend.language: zh wins over the character; ?lang= wins over both', async () => {
    const admin = await textOf(`${zh.url}/admin`, 'h1');
    assert.equal(admin.lang, 'zh');
    assert.equal(admin.text, '管理面板');
    const chosen = await textOf(`${ru.url}/admin?lang=en`, 'h1');
    assert.equal(chosen.lang, 'en');
    assert.equal(chosen.text, 'Admin panel');
  });
});
