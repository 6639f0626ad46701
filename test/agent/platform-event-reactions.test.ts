// Platform events become reactions: a Super Chat, a membership (YouTube), a follow and a channel-points
// redemption (Twitch EventSub) each start a turn whose LLM request carries the character's event
// template filled from the input's fields, in English (default character) and in Russian (Нейри),
// and the reply reaches the page. The LLM is the fake OpenAI server over real HTTP + SSE.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewInput } from '../../src/core/input-queue.ts';
import { startAgentDaemon } from './agent-daemon.ts';

const viewer = { id: 'youtube:UC1', displayName: 'Mika', platform: 'youtube' } as const;
const fan = { id: 'twitch:77', displayName: 'Mika', platform: 'twitch' } as const;

const EVENTS: NewInput[] = [
  { kind: 'super_chat', text: 'Mika sent a Super Chat', user: viewer, source: 'youtube', amount: 5, currency: 'USD', message: 'love the stream' },
  { kind: 'membership', text: 'Mika became a member', user: viewer, source: 'youtube', level: 'Gold', message: '' },
  { kind: 'follow', text: 'Mika just followed!', user: fan, source: 'twitch', login: 'mika' },
  { kind: 'redemption', text: 'Mika redeemed "Hydrate"', user: fan, source: 'twitch', reward: 'Hydrate', cost: 100, message: 'drink up' },
];

const EXPECTED: Record<'en' | 'ru', string[]> = {
  en: [
    '[event] Mika sent a Super Chat of 5 USD. Their message: "love the stream". Thank them warmly and react to the message.',
    '[event] Mika just became a channel member (Gold). Welcome them to the membership warmly.',
    '[event] Mika just followed the channel. Thank them in one short sentence.',
    '[event] Mika redeemed "Hydrate" with channel points. Their message: "drink up". React to it in character.',
  ],
  ru: [
    '[event] Суперчат от Mika: 5 USD. Сообщение: «love the stream». Тепло поблагодари по нику и отреагируй на сообщение.',
    '[event] Mika теперь спонсор канала (Gold). Тепло поприветствуй нового спонсора.',
    '[event] Новый фолловер: Mika. Поблагодари одной короткой фразой.',
    '[event] Mika потратил баллы канала на «Hydrate». Сообщение: «drink up». Отреагируй в своём характере.',
  ],
};

for (const [lang, character] of [['en', 'default'], ['ru', 'neiri']] as const) {
  test(`${lang}: Super Chat, membership, follow and redemption each get a reply from their event template`, async () => {
    const agent = await startAgentDaemon({ config: { active_character: character } });
    const { fake, d, client } = agent;
    try {
      for (const [i, item] of EVENTS.entries()) {
        fake.enqueue({ text: `Reply ${i}, thank you Mika!` });
        const from = client.messages.length;
        d.daemon.input.push(item);
        const start = await client.waitFor((m) => m.type === 'turn-start', 5000, from);
        const end = await client.waitFor((m) => m.type === 'turn-end' && m.turnId === start.turnId, 10_000, from);
        assert.equal(end.state, 'completed', `${item.kind}: the turn completes`);
        const spoken = client.messages.filter((m) => m.turnId === start.turnId && m.type === 'reply-text').map((m) => m.text);
        assert.deepEqual(spoken, [`Reply ${i},`, 'thank you Mika!'], `${item.kind}: the reply reaches the page`);
        const request = fake.requests[i];
        const last = request?.messages.at(-1);
        assert.equal(last?.role, 'user');
        assert.equal(last?.content, EXPECTED[lang][i], `${item.kind}: the prompt is the ${lang} template`);
      }
    } finally {
      await agent.stop();
    }
  });
}
