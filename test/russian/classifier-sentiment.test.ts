import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryConfigSchema } from '../../src/memory/memory-config.ts';
import { classifyCharacterText, classifyUserText } from '../../src/memory/turn-classifier.ts';
import { memoriesFromTurn } from '../../src/memory/turn-writer.ts';
import { sentimentOf } from '../../src/relationships/sentiment.ts';

type Outcome = 'kept' | 'session' | 'dropped';
/** [line, outcome, kind when kept, sign of sentiment] */
const LINES: ReadonlyArray<readonly [string, Outcome, string, -1 | 0 | 1]> = [
  ['меня зовут Аня', 'kept', 'user', 0],
  ['Меня зовут Дмитрий, я из Казани', 'kept', 'user', 0],
  ['у меня есть кошка по имени Бисквит', 'kept', 'user', 0],
  ['у меня кошка Бисквит', 'kept', 'user', 0],
  ['у меня есть собака', 'kept', 'user', 0],
  ['я люблю зелёный чай', 'kept', 'user', 1],
  ['я обожаю хорроры', 'kept', 'user', 1],
  ['я живу в Новосибирске', 'kept', 'user', 0],
  ['я работаю медсестрой в больнице', 'kept', 'user', 0],
  ['мой любимый цвет фиолетовый', 'kept', 'user', 1],
  ['мне 23 года', 'kept', 'user', 0],
  ['я ненавижу понедельники', 'kept', 'user', -1],
  ['завтра я иду к зубному', 'kept', 'objectives', 0],
  ['напомни мне размяться на следующем стриме', 'kept', 'objectives', 0],
  ['у меня завтра экзамен по физике', 'kept', 'objectives', 0],
  ['я собираюсь выучить японский', 'kept', 'objectives', 0],
  ['планирую поехать в Питер летом', 'kept', 'objectives', 0],
  ['моя сестра Маша рисует граффити', 'kept', 'third_party', 0],
  ['мой брат опять сломал ноутбук', 'kept', 'third_party', 0],
  ['с моей мамой всё хорошо, спасибо', 'kept', 'third_party', 1],
  ['моему другу понравился твой стрим', 'kept', 'third_party', 1],
  ['у моей подруги день рождения', 'kept', 'third_party', 0],
  ['мне так грустно сегодня', 'kept', 'emotions', -1],
  ['я очень устала после работы', 'kept', 'emotions', 0],
  ['я так нервничаю перед собеседованием', 'kept', 'emotions', 0],
  ['мне одиноко по вечерам', 'kept', 'emotions', 0],
  ['этот босс выглядел жёстко', 'session', '', 0],
  ['какая музыка играет на фоне', 'session', '', 0],
  ['стрим сегодня классный', 'session', '', 1],
  ['мне не нравится эта игра', 'session', '', -1],
  ['шутка была совсем не смешная', 'session', '', -1],
  ['неплохо получилось у тебя', 'session', '', 1],
  ['скучная катка какая-то', 'session', '', -1],
  ['ты лучшая, спасибо за стрим', 'session', '', 1],
  ['этот уровень ужасный и скучный', 'session', '', -1],
  ['привет', 'dropped', '', 0],
  ['Всем привет!', 'dropped', '', 0],
  ['доброе утро чат', 'dropped', '', 0],
  ['ахахаха', 'dropped', '', 1],
  ['лол', 'dropped', '', 0],
  ['ок', 'dropped', '', 0],
  ['спс', 'dropped', '', 0],
  ['да', 'dropped', '', 0],
  ['ну да', 'dropped', '', 0],
  ['пока', 'dropped', '', 0],
  ['гг', 'dropped', '', 0],
  ['кек)))', 'dropped', '', 1],
];

test('Russian lines: kept long-term / session / dropped, with the right kind', () => {
  assert.ok(LINES.length >= 40);
  const cfg = MemoryConfigSchema.parse({});
  for (const [line, outcome, kind] of LINES) {
    const input = { id: 'i', kind: 'chat' as const, text: line, user: { id: 'twitch:7', displayName: 'Котя', platform: 'twitch' as const }, receivedAt: 0 };
    const mems = memoriesFromTurn({ turnId: 't', input, replyText: '', heardText: '', interrupted: false, emotions: [] }, cfg, 'Нейри');
    const got: Outcome = mems.length === 0 ? 'dropped' : mems[0]?.metadata.scope === 'long' ? 'kept' : 'session';
    assert.equal(got, outcome, `${line} → ${got} (${String(mems[0]?.metadata.kind)} ${String(mems[0]?.metadata.importance)})`);
    if (kind) assert.equal(mems[0]?.metadata.kind, kind, line);
  }
});

test('Russian importance: names and birthdays weigh more than plain facts; tags are content words', () => {
  const named = classifyUserText('у меня есть кошка по имени Бисквит', 'Котя');
  const plain = classifyUserText('у меня есть собака', 'Котя');
  assert.ok((named?.importance ?? 0) > (plain?.importance ?? 1), `${String(named?.importance)} vs ${String(plain?.importance)}`);
  assert.ok(named?.tags.includes('бисквит'), String(named?.tags));
  assert.ok(!named?.tags.includes('меня'));
  assert.equal(named?.text, 'Котя: у меня есть кошка по имени Бисквит');
});

test('Russian sentiment: sign per line, negation flips, inflected forms hit the lexicon', () => {
  for (const [line, , , sign] of LINES) assert.equal(Math.sign(sentimentOf(line)), sign, `${line}: ${sentimentOf(line)}`);
  for (const l of ['мне нравится', 'нравишься ты мне', 'очень понравилось', 'обожаю этот стрим', 'ты такая милая', 'спасибо большое', 'круто!!', 'хахаха'])
    assert.ok(sentimentOf(l) > 0, l);
  for (const l of ['мне не нравится', 'не люблю такое', 'бесишь', 'это отстой', 'какой кринж', 'не смешно', 'скучновато... нет, скучно', 'ненавижу'])
    assert.ok(sentimentOf(l) < 0, l);
  assert.ok(sentimentOf('вовсе не плохо') > 0);
  assert.ok(sentimentOf('нехорошо так делать') < 0);
  assert.equal(sentimentOf('поезд уходит в девять'), 0);
  assert.equal(sentimentOf('бесплатная доставка'), 0, 'бесплатн is not бес(ит)');
});

test('English lines still classify and score as before', () => {
  assert.equal(classifyUserText('my cat is called Biscuit', 'A')?.kind, 'user');
  assert.equal(classifyUserText('lol', 'A'), undefined);
  assert.ok(sentimentOf('I love this stream') > 0);
  assert.ok(sentimentOf('not bad at all') > 0);
});

test('what Нейри says about herself is remembered in Russian too', () => {
  const self = classifyCharacterText('Ну конечно. Мой любимый чай — жасминовый! Записывайте.', 'Нейри');
  assert.equal(self?.kind, 'self');
  assert.match(self?.text ?? '', /Нейри said: Мой любимый чай — жасминовый!/);
});
