import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgentStage } from '../../src/agent/agent-stage.ts';
import type { InputItem } from '../../src/core/input.ts';
import { memoryStage } from '../../src/memory/memory-stage.ts';
import { relationshipsStage } from '../../src/relationships/relationships-stage.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { openaiProvider } from '../agent/agent-daemon.ts';
import { until } from '../helpers/memory-fixtures.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';

// A Russian conversation with Нейри through the real daemon: real agent, memory (embedded Chroma),
// relationships (SQLite file), the fake OpenAI server over HTTP+SSE as the LLM.
const TOKEN = 'ru-admin-token';
let fake: FakeOpenAiServer;
let td: TestDaemon;
/** What went back and forth, for the closing note. */
const transcript: string[] = [];

before(async () => {
  fake = await startFakeOpenAiServer();
  td = await startTestDaemon({
    config: {
      active_character: 'neiri',
      character: { greeting: '', llm: { providers: [openaiProvider(fake.baseUrl, 'fake')] } },
      memory: { recall: { timeout_ms: 5000 }, consolidation: { interval_minutes: 0 } },
    },
    env: { VTUBER_ADMIN_TOKEN: TOKEN },
    stages: [memoryStage, relationshipsStage, createAgentStage()],
    logLevel: 'info',
  });
  await until(() => td.daemon.status.get('stage', 'memory')?.state === 'live', 30_000, 'memory live');
});

after(async () => {
  await td?.stop();
  await fake?.close();
  if (transcript.length) process.stdout.write(`# sample conversation\n${transcript.map((l) => `# ${l}`).join('\n')}\n`);
});

const auth = { authorization: `Bearer ${TOKEN}` };
const kira = { id: 'twitch:501', displayName: 'Кира', platform: 'twitch' as const };
const bob = { id: 'twitch:502', displayName: 'Боб', platform: 'twitch' as const };

/** One chat turn: the viewer's line in, the scripted reply out; returns the LLM request's system prompt. */
async function chatTurn(user: typeof kira, text: string, reply: string): Promise<string> {
  fake.enqueue({ text: reply });
  const before = fake.requests.length;
  const done = new Promise<{ replyText: string }>((resolve) => {
    const off = td.daemon.bus.on('agent.reply_done', (e) => {
      if (e.input.user.id === user.id && e.input.text === text) {
        off();
        resolve(e);
      }
    });
  });
  td.daemon.input.push({ kind: 'chat', text, user, source: 'test' });
  const r = await Promise.race([done, new Promise<never>((_r, rej) => setTimeout(() => rej(new Error(`no reply to "${text}"`)), 15_000))]);
  await td.daemon.services.get('memory')?.settle(10_000);
  transcript.push(`${user.displayName}: ${text}`, `Нейри: ${r.replyText}`);
  const req = fake.requests[before];
  assert.ok(req, 'the LLM was asked');
  return String(req.messages[0]?.content ?? '');
}

async function affinity(userId: string): Promise<number> {
  const res = await fetch(`${td.url}/admin/relationships/${encodeURIComponent(userId)}`, { headers: auth });
  assert.equal(res.status, 200);
  return ((await res.json()) as { relationship: { affinity: number } }).relationship.affinity;
}

test('Нейри hears a viewer in Russian, remembers "у меня кошка Бисквит" for that viewer only, and likes friendly chat', async () => {
  const first = await chatTurn(kira, 'привет, Нейри! у меня кошка Бисквит', '[emotion: joy] Кира, привет! Бисквит — лучшее имя для кошки, передай ей от меня мур.');
  assert.match(first, /^Ты — Нейри\./, 'the system prompt is Russian');
  assert.match(first, /Говори по-русски\./);
  assert.ok(!first.includes('# Что ты помнишь'), `nothing remembered yet: ${first.slice(-700)}`);
  assert.match(first, /# С кем ты говоришь\nЗритель: Кира\.\nОтношение: /, 'the relationship card is Russian too');

  let found: unknown = [];
  await until(
    async () => {
      const res = await fetch(`${td.url}/admin/memory/search?q=${encodeURIComponent('кошка Бисквит')}&user=${encodeURIComponent(kira.id)}`, { headers: auth });
      found = await res.json();
      const items = (found as { items?: Array<{ text: string; metadata: { user_id: string; scope: string } }> }).items ?? [];
      return items.some((i) => i.text.includes('Бисквит') && i.metadata.user_id === kira.id && i.metadata.scope === 'long');
    },
    10_000,
    'the fact stored for Кира as a long memory',
  ).catch((err: unknown) => assert.fail(`${(err as Error).message}: ${JSON.stringify(found)}`));

  const before = await affinity(kira.id);
  const recall = await chatTurn(kira, 'а ты помнишь, как зовут мою кошку?', '[emotion: smug] Конечно помню: Бисквит! Я вообще всё помню, кроме паролей.');
  const remembered = recall.split('# Что ты помнишь')[1] ?? '';
  assert.ok(remembered.includes('Бисквит'), `Кира's next prompt recalls the cat: ${recall.slice(-600)}`);

  const other = await chatTurn(bob, 'а ты помнишь, как зовут мою кошку?', '[emotion: thinking] Боб, про твою кошку я пока ничего не знаю. Расскажешь?');
  assert.ok(!other.includes('Бисквит'), `Боб's prompt does not carry Кира's cat: ${other.slice(-600)}`);

  await chatTurn(kira, 'ты лучшая, обожаю твои стримы, спасибо тебе!', '[emotion: shy] Ой, Кира, спасибо! Ты сама лучшая.');
  await until(async () => (await affinity(kira.id)) > before, 5000, 'affinity rises');
  assert.ok((await affinity(kira.id)) > before, 'friendly chat raised affinity');
});

test('a game result reaches Нейри as a Russian [event] through the admin route; bad bodies name the field', async () => {
  const noToken = await fetch(`${td.url}/admin/events/game-result`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ result: 'win' }) });
  assert.equal(noToken.status, 401);
  const post = (body: unknown): Promise<Response> => fetch(`${td.url}/admin/events/game-result`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const bad = await post({ result: 'draw' });
  assert.equal(bad.status, 400);
  const err = ((await bad.json()) as { error: { code: string; message: string; field: string } }).error;
  assert.equal(err.field, 'result');
  assert.match(err.message, /^body\.result: /);
  const extra = await post({ result: 'win', score: 3 });
  assert.equal(extra.status, 400);
  assert.match(((await extra.json()) as { error: { message: string } }).error.message, /score/);

  for (const [body, expected, reply] of [
    [{ result: 'win', game: 'Elden Ring', detail: 'Маления с первой попытки', comment: 'гг' }, '[event] Победа в игре (Elden Ring — Маления с первой попытки — гг)! Порадуйся вместе со стримером одной-двумя фразами.', '[emotion: joy] С первой попытки?! Создатель, это легендарно!'],
    [{ result: 'loss' }, '[event] Поражение в игре (без подробностей). Подбодри стримера легко и без насмешек, одной-двумя фразами.', '[emotion: sad] Ничего, Создатель, в следующий раз точно получится.'],
  ] as const) {
    fake.enqueue({ text: reply });
    const n = fake.requests.length;
    const done = new Promise<InputItem>((resolve) => {
      const off = td.daemon.bus.on('agent.reply_done', (e) => {
        if (e.input.kind === body.result) {
          off();
          resolve(e.input);
        }
      });
    });
    const res = await post(body);
    assert.equal(res.status, 202);
    const { inputId, kind } = (await res.json()) as { inputId: string; kind: string };
    assert.equal(kind, body.result);
    const input = await done;
    assert.equal(input.id, inputId);
    const userMessage = fake.requests[n]?.messages.at(-1)?.content;
    assert.equal(userMessage, expected);
    transcript.push(`[${body.result}] ${expected}`, `Нейри: ${reply.replace(/\[[^\]]+\]\s*/g, '')}`);
  }
});
