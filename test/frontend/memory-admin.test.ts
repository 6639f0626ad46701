import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { memoryStage } from '../../src/memory/memory-stage.ts';
import { relationshipsStage } from '../../src/relationships/relationships-stage.ts';
import { ensureFrontendBuilt } from '../helpers/frontend-build.ts';
import { replyDone, until, viewerInput } from '../helpers/memory-fixtures.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
import { chromiumMissing, openAdminPage } from './browser.ts';

const TOKEN = 'memory-admin-token-0123456789';

describe('memory and relationships admin panels in Chromium', { skip: chromiumMissing() }, () => {
  let d: TestDaemon;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureFrontendBuilt();
    d = await startTestDaemon({ config: { memory: { recall: { timeout_ms: 5000 }, import: { max_items: 15_000 } } }, env: { VTUBER_ADMIN_TOKEN: TOKEN }, stages: [memoryStage, relationshipsStage] });
    await until(() => d.daemon.status.get('stage', 'memory')?.state === 'live', 20_000, 'memory live');
    const input = viewerInput('twitch:31', 'Kai', 'my cat is called Biscuit');
    d.daemon.bus.emit('input.queued', input);
    d.daemon.bus.emit('agent.reply_done', replyDone(input));
    assert.ok(await d.daemon.services.get('memory')?.settle(10_000));
    ({ browser, page, errors } = await openAdminPage(d.url, { token: TOKEN, width: 1200, height: 1000 }));
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  test('search finds the viewer’s memory and the viewer list shows them; forget removes both', async () => {
    const mem = page.locator('[data-feature="memory"]');
    await mem.locator('input[type="search"]').waitFor({ timeout: 10_000 });
    await mem.locator('input[type="search"]').fill('Biscuit');
    await mem.locator('button[type="submit"]').click();
    await mem.locator('.memory-hits li', { hasText: 'Biscuit' }).waitFor({ timeout: 10_000 });
    const rel = page.locator('[data-feature="relationships"]');
    await rel.locator('tr', { hasText: 'Kai' }).waitFor({ timeout: 10_000 });
    page.once('dialog', (dialog) => void dialog.accept());
    await rel.locator('tr', { hasText: 'Kai' }).locator('button').click();
    await until(async () => (await rel.locator('tr', { hasText: 'Kai' }).count()) === 0, 10_000, 'viewer row gone');
    const left = (await (await fetch(`${d.url}/admin/memory/export?user=twitch%3A31`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { items: unknown[] };
    assert.deepEqual(left.items, [], 'their memories are gone too');
    assert.deepEqual(errors, []);
  });

  test('a long import shows its progress in the memory panel while it runs', async () => {
    const items = Array.from({ length: 15_000 }, (_, i) => ({ id: `long-import-${i}`, text: `note ${i} about the stream`, metadata: { user_id: `twitch:${i % 300}`, user_name: 'Bulk' } }));
    const figures = page.locator('[data-feature="memory"] .feature-figures');
    const running = fetch(`${d.url}/admin/memory/import`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
    // The page refreshes its status every 5 s; the import runs longer than that.
    await figures.filter({ hasText: /importing \d+ of 15000/ }).waitFor({ timeout: 30_000 });
    const res = await running;
    assert.equal(res.status, 200, await res.text());
    await until(async () => !/importing/.test((await figures.textContent()) ?? ''), 15_000, 'the progress goes away when the import ends');
    assert.deepEqual(errors, []);
  });
});
