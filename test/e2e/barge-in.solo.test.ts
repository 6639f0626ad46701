import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { activeHistory } from './history-client.ts';
import { Show } from './show-harness.ts';

const TOKEN = 'e2e-admin';
const LONG = (n: number): string =>
  n === 1
    ? '[happy] Oh, let me tell you a long story about my day. First I woke up and looked at the sky. Then I made some tea and sat by the window. After that I read a book about the sea and the stars. Later my friends came over and we played games all evening. It was a very good day overall.'
    : `[surprised] Sure thing ${n}, my name is Aria and I live on this stream!`;

test('barge-in: the listener speaks over the avatar; audio stops within 100 ms of VAD speech start, the next turn answers the new question, history keeps only what was heard', async () => {
  const show = await Show.start({ ttftMs: 50, tokenDelayMs: 40, asrDelayMs: 30, reply: (_t, n) => LONG(n), env: { VTUBER_ADMIN_TOKEN: TOKEN } });
  try {
    let speechStartAt = 0;
    // When the VAD announces speech (its own min-speech debounce already passed).
    show.td.daemon.bus.on('vad.speech_start', () => {
      if (speechStartAt === 0) speechStartAt = performance.now();
    });
    // First question: a long reply starts playing.
    const from = show.client.messages.length;
    show.client.send({ type: 'text-input', text: 'Tell me about your day' });
    const first = await show.client.waitFor((m) => m.type === 'turn-start', 10_000, from);
    const firstTurn = String(first.turnId);
    await show.client.waitFor((m) => m.type === 'audio' && m.turnId === firstTurn, 10_000, from);
    // The page reports what has been heard as each subtitle starts playing.
    const heard: string[] = [];
    const reportHeard = (m: { type: string; turnId?: unknown; text?: unknown }): void => {
      if (m.type === 'reply-text' && m.turnId === firstTurn) {
        heard.push(String(m.text));
        show.client.send({ type: 'playback', turnId: firstTurn, heardText: heard.join(' '), ended: false });
      }
    };
    for (const m of show.client.messages.slice(from)) reportHeard(m);
    show.client.ws.on('message', (data, isBinary) => {
      if (!isBinary) reportHeard(JSON.parse(data.toString()) as { type: string });
    });

    // The listener talks over the avatar.
    const second = await show.voiceTurn('name-question.wav', 'What is your name, and where do you live?');
    const msgs = show.client.messages;
    const times = show.client.receivedAt;
    const stopIdx = msgs.findIndex((m) => m.type === 'audio-stop' && m.turnId === firstTurn);
    assert.ok(stopIdx >= 0, 'clients were told to drop the interrupted audio');
    const stopLatency = (times[stopIdx] as number) - speechStartAt;
    process.stdout.write(`# barge-in: audio-stop ${stopLatency.toFixed(1)} ms after VAD speech start\n`);
    assert.ok(speechStartAt > 0 && stopLatency <= 100, `audio-stop came ${stopLatency} ms after VAD speech start`);
    const lateAudio = msgs.slice(stopIdx + 1).filter((m) => m.type === 'audio' && m.turnId === firstTurn);
    assert.equal(lateAudio.length, 0, 'no chunk of the interrupted turn arrives after audio-stop');
    const firstEnd = msgs.find((m) => m.type === 'turn-end' && m.turnId === firstTurn);
    assert.equal(firstEnd?.state, 'interrupted');

    assert.equal(second.summary.state, 'completed');
    assert.match(second.replyText, /my name is Aria/);

    const history = await activeHistory(show.td.url, TOKEN);
    const cut = history.find((m) => m.role === 'assistant' && m.turnId === firstTurn);
    assert.ok(cut, 'the interrupted reply is in the history');
    assert.equal(cut.interrupted, true);
    const whole = LONG(1).replace(/^\[\w+\]\s*/, '');
    assert.ok(cut.text.length > 0 && cut.text.length < whole.length, `only the heard part is kept: ${JSON.stringify(cut.text)}`);
    assert.ok(whole.startsWith(cut.text.replace(/\s*\[interrupted\]$/, '')), `the kept part is the start of the reply: ${JSON.stringify(cut.text)}`);
    assert.ok(heard.join(' ').startsWith(cut.text) || cut.text.startsWith(heard[0] ?? ''), 'it matches what the page reported as heard');
    const lastUser = history.filter((m) => m.role === 'user').at(-1);
    assert.match(lastUser?.text ?? '', /What is your name/);
  } finally {
    await show.stop();
  }
});
