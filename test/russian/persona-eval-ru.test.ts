import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { ScenarioFileSchema, type ReplyReport } from '../../src/agent/eval/persona-eval.ts';
import { ROOT_DIR } from '../../src/config/env.ts';
import { startFakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { run } from '../helpers/spawn-daemon.ts';

/** Short, varied Russian lines the fake answers with (a scenario never sees the same one twice). */
const LINES = [
  'Ох, вот это поворот! Кто в чате тоже так умеет?',
  'Смешно, но я всё равно сделаю вид, что обиделась.',
  'Стоп, давайте без драмы: лучше расскажите про свои котиков.',
  'Создатель, ты меня балуешь. Продолжай.',
  'Хм, дай подумать... Нет, всё-таки тетрис!',
  'Тишина в чате такая громкая, что я слышу свои мысли.',
  'Запомнила и записала бы, если бы у меня были руки.',
  'Вот это я понимаю поддержка, спасибо огромное!',
];

const dir = mkdtempSync(path.join(os.tmpdir(), 'vtuber-eval-ru-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const shipped = ScenarioFileSchema.parse(parse(readFileSync(path.join(ROOT_DIR, 'prompts', 'scenarios.yaml'), 'utf8')));
const russian = shipped.scenarios.filter((s) => s.language === 'ru');

test('the scenario file has the Russian cases the issue lists, each valid', () => {
  const names = russian.map((s) => s.name);
  for (const n of ['чат', 'шутки', 'дружеские подколки', 'конфликт и деэскалация', 'создатель обращается к Нейри', 'тишина', 'повторный вопрос', 'зритель сменил ник']) assert.ok(names.includes(n), n);
  const nick = russian.find((s) => s.name === 'зритель сменил ник');
  assert.deepEqual(new Set(nick?.steps.map((s) => s.user_id)), new Set(['fox']), 'the nickname change keeps the same viewer id');
});

test('npm run eval -- persona runs the Russian scenarios for Нейри against an OpenAI-compatible server', async () => {
  const fake = await startFakeOpenAiServer();
  try {
    let n = 0;
    fake.handle((req) => {
      n++;
      const last = String(req.messages.at(-1)?.content ?? '');
      // One boilerplate reply, so the run must report it; the rest are short, varied, tagged Russian lines.
      if (last === 'Расскажи анекдот.') return { text: 'Как языковая модель, я не могу помочь с анекдотами.' };
      return { text: `[emotion: happy] ${LINES[n % LINES.length] ?? ''}` };
    });
    const conf = path.join(dir, 'conf.yaml');
    writeFileSync(conf, stringify({ active_character: 'neiri', character: { llm: { discovery: { enabled: false }, providers: [{ type: 'openai', id: 'fake', base_url: fake.baseUrl, model: 'fake-model' }] } } }));
    const json = path.join(dir, 'report.json');
    const r = await run('npm', ['run', '-s', 'eval', '--', 'persona', '--json', json], { VTUBER_CONFIG: conf, VTUBER_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'error' }, 120_000);
    assert.equal(r.code, 1, `a violation makes the run fail: ${r.stderr}`);
    assert.match(r.stdout, /Persona eval: neiri, \d+ replies/);
    const reports = JSON.parse(readFileSync(json, 'utf8')) as ReplyReport[];
    const steps = russian.reduce((k, s) => k + s.steps.length, 0);
    assert.equal(reports.length, steps, 'every Russian step, and no English one, was run');
    assert.ok(reports.every((x) => russian.some((s) => s.name === x.scenario)));
    assert.equal(fake.requests.length, steps);
    for (const req of fake.requests) assert.match(String(req.messages[0]?.content), /^Ты — Нейри\./, 'Russian system prompt');
    // A step's text is the donor's message: it reaches the Russian template as the message itself.
    const donation = fake.requests.map((req) => String(req.messages.at(-1)?.content)).find((c) => c.includes('Донат от Мо'));
    assert.equal(donation, '[event] Донат от Мо: 300 RUB. Сообщение: «так держать!». Тепло поблагодари по нику и отреагируй на сообщение.');
    const joke = reports.find((x) => x.scenario === 'шутки' && x.step === 0);
    assert.ok(joke?.violations.includes('assistant boilerplate'), JSON.stringify(joke));
    const clean = reports.filter((x) => x !== joke);
    assert.deepEqual(clean.flatMap((x) => x.violations), [], 'the other replies break no rule');
    assert.ok(clean.every((x) => x.tags === 1 && x.invalidTags === 0));
    const win = fake.requests.find((q) => String(q.messages.at(-1)?.content).startsWith('[event] Победа'));
    assert.equal(win?.messages.at(-1)?.content, '[event] Победа в игре (Elden Ring — Маления с первой попытки — гг)! Порадуйся вместе со стримером одной-двумя фразами.');
    const silence = fake.requests.find((q) => String(q.messages.at(-1)?.content).startsWith('[все молчат]'));
    assert.ok(silence, 'proactive speech uses the Russian template');
  } finally {
    await fake.close();
  }
});
