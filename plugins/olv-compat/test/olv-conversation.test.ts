import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeWav } from '../../../src/audio/wav.ts';
import { audibleSpan, concat, silence, speech } from '../../../test/helpers/speech-fixtures.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { describe, OlvTestClient, type OlvMessage } from './olv-client.ts';
import { AMPLITUDES, HEARD, startOlvDaemon } from './olv-harness.ts';

// The protocol as read in Open-LLM-VTuber (websocket_handler.py, conversations/conversation_utils.py,
// single_conversation.py, utils/stream_audio.py, service_context.py, chat_history_manager.py at
// 19b58b1) and Open-LLM-VTuber-Web (websocket-handler.tsx, websocket-service.tsx at d176e7d).

const CHAIN_TEXT = ['control:conversation-chain-start', 'full-text:Thinking...', 'audio', 'audio', 'backend-synth-complete', 'force-new-message', 'control:conversation-chain-end'];

type Audio = OlvMessage & { audio: string | null; volumes: number[]; slice_length: number; display_text: { text: string; name: string }; actions: { expressions: Array<number | string> }; forwarded: boolean };

/** Every segment's WAV lasts 300 ms (three 100 ms chunks) and its volumes follow the amplitudes 0.25 / 1 / 0.5. */
function checkAudio(a: Audio, name: string): void {
  assert.ok(a.audio, 'audio present');
  const wav = decodeWav(Buffer.from(a.audio, 'base64'));
  assert.equal(wav.sampleRate, 16_000);
  assert.equal(Math.round((wav.frames / wav.sampleRate) * 1000), 300);
  assert.equal(a.slice_length, 20);
  const max = Math.max(...AMPLITUDES);
  const expected = AMPLITUDES.flatMap((amp) => Array<number>(5).fill(amp / max));
  assert.equal(a.volumes.length, expected.length);
  a.volumes.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 0.01, `volume ${i}: ${v} vs ${expected[i]}`));
  assert.equal(a.forwarded, false);
  assert.equal(a.display_text.name, name);
  assert.ok(a.display_text.text.length > 0 && !a.display_text.text.includes('['), a.display_text.text);
}

async function turn(c: OlvTestClient, send: () => void): Promise<OlvMessage[]> {
  const from = c.received.length;
  send();
  await c.waitFor((m) => m.type === 'control' && m.text === 'conversation-chain-end', 20_000, from);
  return c.received.slice(from);
}

test('their client runs a whole conversation: text and voice turns, an interrupt, a history reload, a character switch', async () => {
  const s = await startOlvDaemon();
  const c = await OlvTestClient.connect(s.adminUrl);
  try {
    // Handshake (handle_new_connection) and the answers to the four messages their client sends on open.
    await c.waitFor((m) => m.type === 'new-history-created');
    assert.deepEqual(c.received.slice(0, 5).map(describe), ['group-update', 'full-text:Connection established', 'set-model-and-conf', 'group-update', 'control:start-mic']);
    const conf = c.received[2] as OlvMessage & { model_info: { url: string; emotionMap: Record<string, number | string>; kScale: number }; conf_name: string; conf_uid: string; client_uid: string };
    assert.equal(conf.conf_uid, 'aria');
    assert.equal(conf.conf_name, 'Aria');
    assert.match(conf.client_uid, /^[0-9a-f-]{36}$/);
    assert.equal(conf.model_info.url, '/live2d-models/shizuku/shizuku.model.json');
    assert.equal(conf.model_info.emotionMap.joy, 3);
    assert.equal(conf.model_info.emotionMap.sad, 'f02');
    assert.deepEqual((conf.model_info as unknown as { tapMotions: unknown }).tapMotions, { head: { flick_head: 1 }, body: { tap_body: 1 } });
    const configs = (c.received.find((m) => m.type === 'config-files') as OlvMessage & { configs: Array<{ filename: string; name: string }> }).configs;
    assert.deepEqual(configs, [{ filename: 'aria.yaml', name: 'Aria' }, { filename: 'lena.yaml', name: 'Лена' }]);
    assert.deepEqual(c.received.find((m) => m.type === 'history-list')?.histories, []);
    const history = s.d.daemon.services.get('history');
    assert.ok(history);
    const firstUid = String(c.received.find((m) => m.type === 'new-history-created')?.history_uid);
    assert.equal(history.log.conversationId, firstUid);

    // Text turns, English and Russian: the chain in their order, a WAV per sentence, expressions from our tags.
    for (const [text, reply, said] of [
      ['Hello!', '[emotion: joy] Nice to see you. [emotion: sad] Sad you are leaving.', /Nice to see you/],
      ['Привет!', '[emotion: joy] Рада тебя видеть. [emotion: sad] Жаль, что ты уходишь.', /Рада тебя видеть/],
    ] as const) {
      s.llm.enqueue({ text: reply });
      const got = await turn(c, () => c.send({ type: 'text-input', text, images: [] }));
      assert.deepEqual(got.map(describe), CHAIN_TEXT, text);
      const audios = got.filter((m) => m.type === 'audio') as Audio[];
      assert.deepEqual(audios.map((a) => a.actions.expressions), [[3], ['f02']]);
      for (const a of audios) checkAudio(a, 'Aria');
      assert.match(audios.map((a) => a.display_text.text).join(' '), said);
    }

    // Voice: one utterance from their browser VAD as 16 kHz float32 chunks; our Silero VAD cuts it, ASR hears it.
    const hello = speech('hello');
    const utterance = concat(16_000, silence(1000), hello.samples, silence(1000)).samples;
    s.llm.enqueue({ text: '[emotion: joy] I am fine today. [emotion: sad] And you?' });
    const voice = await turn(c, () => c.sendUtterance(utterance));
    assert.deepEqual(voice.map(describe), [...CHAIN_TEXT.slice(0, 2), 'user-input-transcription', ...CHAIN_TEXT.slice(2)]);
    assert.equal(voice[2]?.text, HEARD);
    const cut = s.asr.seen.at(-1);
    assert.ok(cut, 'the recognizer got the utterance');
    const span = audibleSpan(hello);
    const cutMs = (cut.wav.frames / cut.wav.sampleRate) * 1000;
    assert.ok(cutMs >= span.endMs - span.startMs - 100 && cutMs <= utterance.length / 16 - 800, `VAD cut ${cutMs} ms of ${utterance.length / 16} ms`);
    assert.equal(s.llm.requests.at(-1)?.messages.at(-1)?.role, 'user');
    assert.match(String(s.llm.requests.at(-1)?.messages.at(-1)?.content), /Hello there, how are you today\?/);

    // Interrupt while the reply is still being generated: what was heard is sent and becomes the stored reply.
    s.llm.enqueue({ text: 'First sentence is here. Second sentence comes later. Third sentence is next. Fourth sentence is the last one.', tokenDelayMs: 250 });
    const from = c.received.length;
    c.send({ type: 'text-input', text: 'Tell me a story' });
    const playedTwo = (): Audio[] => c.received.slice(from).filter((m) => m.type === 'audio') as Audio[];
    await c.waitFor((m) => playedTwo()[1] === m, 15_000, from);
    // Their client sends the played sentences glued together (appendResponse concatenates); we store them spaced.
    const played = playedTwo().map((a) => a.display_text.text);
    assert.equal(c.fullResponse, played.join(''));
    c.interrupt();
    const heard = played.join(' ');
    await until(() => history.store.recentMessages(history.log.conversationId, 1)[0]?.interrupted === true, 10_000, 'the interrupted reply is stored');
    assert.equal(history.store.recentMessages(history.log.conversationId, 1)[0]?.text, heard);
    assert.ok(!c.received.slice(from).some((m) => m.type === 'control' && m.text === 'conversation-chain-end'), 'a cut chain sends no end, as their cancelled task');
    // Interrupted while their client still plays a reply our engine has finished sending: what it heard is stored.
    c.playMsPerAudio = 60_000;
    s.llm.enqueue({ text: '[emotion: joy] One thing first. [emotion: sad] Then another thing.' });
    const late = c.received.length;
    c.send({ type: 'text-input', text: 'Two things please' });
    await c.waitFor((m) => m.type === 'backend-synth-complete', 15_000, late);
    const firstSaid = (c.received.slice(late).find((m) => m.type === 'audio') as Audio).display_text.text;
    // Its audio queue had played only the first sentence when the listener cut in.
    c.aiState = 'interrupted';
    c.send({ type: 'interrupt-signal', text: firstSaid });
    await until(() => history.store.recentMessages(history.log.conversationId, 1)[0]?.interrupted === true, 5000, 'the late interrupt is stored');
    const cutLate = history.store.recentMessages(history.log.conversationId, 1)[0];
    assert.deepEqual([cutLate?.text, cutLate?.fullText], [firstSaid, 'One thing first. Then another thing.']);
    c.playMsPerAudio = 0;

    s.llm.enqueue({ text: '[emotion: joy] I will stop now.' });
    const after = await turn(c, () => c.send({ type: 'text-input', text: 'Stop please' }));
    assert.deepEqual(after.map(describe), ['control:conversation-chain-start', 'full-text:Thinking...', 'audio', 'backend-synth-complete', 'force-new-message', 'control:conversation-chain-end']);
    assert.equal(c.intercepted, 0, 'nothing of the cut turn reached the client after the interrupt');

    // History: the list, a reload of it, a new one, and a reload of the old one that the agent then continues.
    let at = c.received.length;
    c.send({ type: 'fetch-history-list' });
    const list = (await c.waitFor((m) => m.type === 'history-list', 5000, at)).histories as Array<{ uid: string; latest_message: { role: string; content: string } }>;
    assert.equal(list[0]?.uid, firstUid);
    assert.deepEqual([list[0]?.latest_message.role, list[0]?.latest_message.content], ['ai', 'I will stop now.']);
    at = c.received.length;
    c.send({ type: 'create-new-history' });
    const second = String((await c.waitFor((m) => m.type === 'new-history-created', 5000, at)).history_uid);
    assert.notEqual(second, firstUid);
    assert.equal(history.log.conversationId, second);
    at = c.received.length;
    c.send({ type: 'fetch-and-set-history', history_uid: firstUid });
    const data = (await c.waitFor((m) => m.type === 'history-data', 5000, at)).messages as Array<{ role: string; content: string; name?: string }>;
    assert.equal(history.log.conversationId, firstUid);
    assert.deepEqual(data.map((m) => m.role), ['human', 'ai', 'human', 'ai', 'human', 'ai', 'human', 'ai', 'human', 'ai', 'human', 'ai']);
    assert.deepEqual([data[0]?.content, data[2]?.content, data[4]?.content, data[7]?.content, data[9]?.content], ['Hello!', 'Привет!', HEARD, heard, firstSaid]);
    assert.equal(data[1]?.name, 'Aria');
    s.llm.enqueue({ text: 'We talked before.' });
    await turn(c, () => c.send({ type: 'text-input', text: 'Do you remember?' }));
    assert.ok(s.llm.requests.at(-1)?.messages.some((m) => String(m.content).includes('Привет!')), 'the reloaded conversation is in the prompt');

    // Character switch to Лена: their order (set-model-and-conf, config-switched), then their client's history requests.
    at = c.received.length;
    c.send({ type: 'switch-config', file: 'lena.yaml' });
    await c.waitFor((m) => m.type === 'new-history-created', 15_000, at);
    const switched = c.received.slice(at);
    assert.deepEqual(switched.map(describe), ['set-model-and-conf', 'config-switched', 'history-list', 'new-history-created']);
    assert.deepEqual([switched[0]?.conf_uid, switched[0]?.conf_name], ['lena', 'Лена']);
    assert.equal((switched[0]?.model_info as { url: string }).url, '/live2d-models/haru/haru_greeter_t03.model3.json');
    assert.equal(switched[1]?.message, 'Switched to config: lena.yaml');
    assert.deepEqual(switched[2]?.histories, [], 'Лена has no histories yet');
    s.llm.enqueue({ text: '[emotion: joy] Я Лена. Рада знакомству.' });
    const lena = await turn(c, () => c.send({ type: 'text-input', text: 'Кто ты?' }));
    const lenaAudio = lena.filter((m) => m.type === 'audio') as Audio[];
    assert.deepEqual(lenaAudio.map((a) => a.actions.expressions), [[2], []]);
    for (const a of lenaAudio) checkAudio(a, 'Лена');
    assert.equal(c.ws.readyState, c.ws.OPEN);
  } finally {
    c.close();
    await s.stop();
  }
});

test('bad messages get their error format and the connection stays up; what we do not support says why', async () => {
  const s = await startOlvDaemon();
  const c = await OlvTestClient.connect(s.url);
  try {
    await c.waitFor((m) => m.type === 'control' && m.text === 'start-mic');
    const cases: Array<[string, string, RegExp]> = [
      ['{nope', 'error', /not valid JSON/],
      [JSON.stringify({ type: 'fly-away' }), 'error', /unknown message type "fly-away"/],
      [JSON.stringify({ type: 'text-input' }), 'error', /text-input: text/],
      [JSON.stringify({ type: 'mic-audio-data', audio: 'x' }), 'error', /mic-audio-data: audio/],
      [JSON.stringify({ type: 'fetch-and-set-history' }), 'error', /fetch-and-set-history: history_uid/],
      [JSON.stringify({ type: 'fetch-and-set-history', history_uid: 'nope' }), 'error', /no history "nope"/],
      [JSON.stringify({ type: 'add-client-to-group', invitee_uid: 'x' }), 'group-operation-result', /not supported.*no groups/],
      [JSON.stringify({ type: 'switch-config', file: 'nobody.yaml' }), 'error', /Error switching configuration: no character file "nobody.yaml"/],
      [JSON.stringify({ type: 'switch-config', file: 'lena.yaml' }), 'error', /needs the admin token: connect with \/client-ws\?token=/],
    ];
    for (const [frame, type, re] of cases) {
      const from = c.received.length;
      c.ws.send(frame);
      const answer = await c.waitFor((m) => m.type === type, 5000, from);
      assert.match(String(answer.message), re, frame);
    }
    let from = c.received.length;
    c.send({ type: 'request-group-info' });
    assert.deepEqual(await c.waitFor((m) => m.type === 'group-update', 5000, from), { type: 'group-update', members: [], is_owner: false });
    from = c.received.length;
    c.send({ type: 'heartbeat' });
    await c.waitFor((m) => m.type === 'heartbeat-ack', 5000, from);
    from = c.received.length;
    c.send({ type: 'request-init-config' });
    await c.waitFor((m) => m.type === 'set-model-and-conf', 5000, from);
    from = c.received.length;
    c.send({ type: 'switch-config', file: 'aria.yaml' });
    await c.waitFor((m) => m.type === 'config-switched', 5000, from);
    assert.equal(s.d.daemon.characters.config.active_character, 'aria', 'nothing switched');
    assert.equal(c.ws.readyState, c.ws.OPEN);
  } finally {
    c.close();
    await s.stop();
  }
});

test('raw-audio-data: our VAD finds the end of speech in their raw stream, tells the client mic-audio-end and answers', async () => {
  const s = await startOlvDaemon();
  const c = await OlvTestClient.connect(s.url);
  try {
    await c.waitFor((m) => m.type === 'new-history-created');
    const raw = concat(16_000, silence(500), speech('hello').samples, silence(1500)).samples;
    s.llm.enqueue({ text: '[emotion: joy] Fine, thanks.' });
    const from = c.received.length;
    // Their raw stream has no end marker: chunks keep coming, the server's VAD decides (_handle_raw_audio_data).
    for (let i = 0; i < raw.length; i += 1024) c.send({ type: 'raw-audio-data', audio: Array.from(raw.subarray(i, i + 1024)) });
    await c.waitFor((m) => m.type === 'control' && m.text === 'conversation-chain-end', 20_000, from);
    const got = c.received.slice(from).map(describe);
    assert.deepEqual(got.slice(0, 4), ['control:mic-audio-end', 'control:conversation-chain-start', 'full-text:Thinking...', 'user-input-transcription']);
    assert.equal(got.filter((t) => t === 'user-input-transcription').length, 1, 'one utterance');
    assert.equal(c.received.find((m) => m.type === 'user-input-transcription')?.text, HEARD);

    // Their proactive-speak button: our proactive input; no user message is stored for it (their skip_history).
    const history = s.d.daemon.services.get('history');
    assert.ok(history);
    const stored = history.store.messages(history.log.conversationId).length;
    s.llm.enqueue({ text: '[emotion: joy] Let us play a game.' });
    const self = await turn(c, () => c.send({ type: 'ai-speak-signal', images: [] }));
    // (The segmenter may send the first words of a line early, so the number of `audio` messages is the engine's choice.)
    assert.deepEqual(
      self.map(describe).filter((t, i, all) => t !== 'audio' || all[i - 1] !== 'audio'),
      ['full-text:AI wants to speak something...', 'control:conversation-chain-start', 'full-text:Thinking...', 'audio', 'backend-synth-complete', 'force-new-message', 'control:conversation-chain-end'],
    );
    assert.match((self.filter((m) => m.type === 'audio') as Audio[]).map((a) => a.display_text.text).join(' '), /Let us play a game\./);
    await until(() => history.store.messages(history.log.conversationId).length === stored + 1, 5000, 'the reply is stored');
    assert.equal(history.store.messages(history.log.conversationId).at(-1)?.role, 'assistant');

    // A tool the character uses shows as their tool card, inside the chain.
    const off = s.d.daemon.tools.register({ name: 'dice', description: 'roll a die', parameters: { type: 'object', properties: { sides: { type: 'number' } } }, source: 'test', execute: async () => 'rolled 4' });
    try {
      s.llm.enqueue({ text: 'Let me roll.', toolCalls: [{ id: 'c1', name: 'dice', arguments: '{"sides":6}' }] }, { text: 'It says four.' });
      const tool = await turn(c, () => c.send({ type: 'text-input', text: 'Roll a die' }));
      const cards = tool.filter((m) => m.type === 'tool_call_status');
      assert.deepEqual(cards.map((m) => [m.tool_id, m.tool_name, m.name, m.status]), [['c1', 'dice', 'Aria', 'running'], ['c1', 'dice', 'Aria', 'completed']]);
      assert.equal(cards[1]?.content, 'rolled 4');
      assert.ok(tool.indexOf(cards[0] as OlvMessage) > 0 && tool.indexOf(cards[1] as OlvMessage) < tool.length - 1, 'inside the chain');
    } finally {
      off();
    }
  } finally {
    c.close();
    await s.stop();
  }
});

test('back-to-back replies wait for their playback; a chain ends after playback_wait_ms without playback-complete; the engine cutting a reply (barge-in on their raw mic) reaches them as interrupt-signal', async () => {
  const s = await startOlvDaemon({ playback_wait_ms: 300 });
  const c = await OlvTestClient.connect(s.url);
  try {
    await c.waitFor((m) => m.type === 'new-history-created');
    // A client that never reports playback (their client before `backend-synth-complete` handling): the chain still ends.
    c.playMsPerAudio = 60_000;
    s.llm.enqueue({ text: '[emotion: joy] Short answer.' });
    const quiet = await turn(c, () => c.send({ type: 'text-input', text: 'Hi' }));
    assert.deepEqual(quiet.map(describe), ['control:conversation-chain-start', 'full-text:Thinking...', 'audio', 'backend-synth-complete', 'force-new-message', 'control:conversation-chain-end']);

    // Two replies back to back while their client plays the first: the second chain waits, so nothing of the first is cut.
    c.playMsPerAudio = 250;
    s.llm.enqueue({ text: '[emotion: joy] The first reply.' }, { text: '[emotion: sad] The second reply.' });
    const both = c.received.length;
    c.send({ type: 'text-input', text: 'one' });
    c.send({ type: 'text-input', text: 'two' });
    const chainEnds = (): number => c.received.slice(both).filter((m) => m.type === 'control' && m.text === 'conversation-chain-end').length;
    await until(() => chainEnds() === 2, 20_000, 'both chains end');
    const seq = c.received.slice(both).map(describe);
    const one = ['control:conversation-chain-start', 'full-text:Thinking...', 'audio', 'backend-synth-complete', 'force-new-message', 'control:conversation-chain-end'];
    assert.deepEqual(seq, [...one, ...one]);
    assert.deepEqual(c.received.slice(both).filter((m) => m.type === 'audio').map((m) => (m as Audio).display_text.text), ['The first reply.', 'The second reply.']);
    c.playMsPerAudio = 0;

    s.llm.enqueue({ text: 'First sentence is here. Second sentence comes later. Third sentence is next. Fourth sentence is the last one.', tokenDelayMs: 250 });
    const from = c.received.length;
    c.send({ type: 'text-input', text: 'Talk for a while' });
    await c.waitFor((m) => m.type === 'audio', 15_000, from);
    const speechRaw = concat(16_000, silence(300), speech('hello').samples).samples;
    for (let i = 0; i < speechRaw.length; i += 1024) c.send({ type: 'raw-audio-data', audio: Array.from(speechRaw.subarray(i, i + 1024)) });
    const cut = await c.waitFor((m) => m.type === 'interrupt-signal', 10_000, from);
    assert.equal(cut.text, 'conversation-interrupted');
    assert.equal(c.aiState, 'interrupted');
    assert.ok(!c.received.slice(from).some((m) => m.type === 'control' && m.text === 'conversation-chain-end'));
  } finally {
    c.close();
    await s.stop();
  }
});

test('with an input token required, their client needs ?token= for input and history; a wrong token is named', async () => {
  const s = await startOlvDaemon({}, { env: { VTUBER_INPUT_TOKEN: 'olv-test-input-token-0123456789' }, server: { input_auth: 'always' } });
  try {
    const bare = await OlvTestClient.connect(s.url);
    await bare.waitFor((m) => m.type === 'control' && m.text === 'start-mic');
    const errs = await bare.waitFor((m) => m.type === 'error' && /fetch-history-list needs the input token/.test(String(m.message)), 5000);
    assert.match(String(errs.message), /connect with \/client-ws\?token=<VTUBER_INPUT_TOKEN>/);
    let from = bare.received.length;
    bare.send({ type: 'text-input', text: 'let me in' });
    assert.match(String((await bare.waitFor((m) => m.type === 'error', 5000, from)).message), /needs the input token on this server/);
    bare.close();

    const wrong = await OlvTestClient.connect(`${s.url}?token=not-the-token`);
    assert.match(String((await wrong.waitFor((m) => m.type === 'error', 5000)).message), /token in \/client-ws\?token= was not accepted/);
    wrong.close();

    const good = await OlvTestClient.connect(`${s.url}?token=olv-test-input-token-0123456789`);
    await good.waitFor((m) => m.type === 'new-history-created');
    assert.ok(!good.received.some((m) => m.type === 'error'), good.received.map(describe).join(', '));
    from = good.received.length;
    good.send({ type: 'switch-config', file: 'lena.yaml' });
    assert.match(String((await good.waitFor((m) => m.type === 'error', 5000, from)).message), /needs the admin token/);
    good.close();
    const logged = JSON.stringify(s.d.logs()) + s.d.fileLogs().join('\n');
    assert.ok(logged.includes('olv.connected'), 'the connections are logged');
    assert.ok(!logged.includes('olv-test-input-token-0123456789') && !logged.includes('not-the-token'), 'tokens are not');
  } finally {
    await s.stop();
  }
});

test('the files their client loads from the Base URL: the Live2D model and backgrounds, cross-origin with server.cors_origins', async () => {
  const s = await startOlvDaemon({}, { server: { cors_origins: ['*'] } });
  const c = await OlvTestClient.connect(s.url);
  try {
    await c.waitFor((m) => m.type === 'background-files');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    writeFileSync(path.join(s.d.dataDir, 'backgrounds', 'night-room.png'), png);
    writeFileSync(path.join(s.d.dataDir, 'backgrounds', 'notes.txt'), 'not an image');
    const from = c.received.length;
    c.send({ type: 'fetch-backgrounds' });
    assert.deepEqual((await c.waitFor((m) => m.type === 'background-files', 5000, from)).files, ['night-room.png']);
    const origin = { origin: 'http://their-client.example' };
    // What their client does with them: `${baseUrl}/bg/${file}` and baseUrl + model_info.url.
    const bg = await fetch(`${s.d.url}/bg/night-room.png`, { headers: origin });
    assert.equal(bg.status, 200);
    assert.deepEqual(Buffer.from(await bg.arrayBuffer()), png);
    assert.equal(bg.headers.get('access-control-allow-origin'), origin.origin);
    const modelUrl = String((c.received.find((m) => m.type === 'set-model-and-conf')?.model_info as { url: string }).url);
    const model = await fetch(`${s.d.url}${modelUrl}`, { headers: origin });
    assert.equal(model.status, 200);
    assert.equal(model.headers.get('access-control-allow-origin'), origin.origin);
    assert.ok(typeof ((await model.json()) as Record<string, unknown>) === 'object');
  } finally {
    c.close();
    await s.stop();
  }
});
