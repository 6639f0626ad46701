import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAgentStage } from '../../../src/agent/agent-stage.ts';
import { createTtsStage } from '../../../src/tts/index.ts';
import { startFakeOpenAiServer } from '../../../test/fakes/fake-openai-server.ts';
import { openaiProvider } from '../../../test/agent/agent-daemon.ts';
import { ScriptedEngine } from '../../../test/helpers/scripted-tts-engine.ts';
import { startTestDaemon } from '../../../test/helpers/test-daemon.ts';
import { decodeWav, OlvTestClient } from './olv-client.ts';

// Protocol as read in Open-LLM-VTuber's websocket_handler.py / conversation_utils.py / stream_audio.py
// and Open-LLM-VTuber-Web's websocket-handler.tsx; the engine under it is real, the LLM a local fake
// of OpenAI's streaming chat completions API, TTS the scripted engine (square waves of known length).

async function start() {
  const fake = await startFakeOpenAiServer();
  const engine = new ScriptedEngine('scripted', () => ({ kind: 'speak', firstMs: 5, chunks: 3, chunkMs: 100 }));
  const d = await startTestDaemon({
    stages: [createAgentStage(), createTtsStage({ engines: () => [engine] })],
    config: {
      character: { greeting: '', llm: { providers: [openaiProvider(fake.baseUrl, 'fake')] }, live2d: { emotion_map: { joy: 3, sad: 1 } } },
      tts: { cache_entries: 0, anti_repeat_window_ms: 0 },
      plugins: { enabled: ['olv-compat'] },
    },
  });
  const url = d.wsUrl.replace(/\/ws(\?.*)?$/, '/client-ws');
  return { fake, d, url, async stop() { await d.stop(); await fake.close(); } };
}

test('handshake, text conversation in Russian and English, control order, WAV and volumes, expressions', async () => {
  const s = await start();
  const c = await OlvTestClient.connect(s.url);
  try {
    const first = await c.waitFor((m) => m.type === 'control' && m.text === 'start-mic');
    assert.ok(first);
    const types = c.received.map((m) => m.type);
    assert.deepEqual(types.slice(0, 3), ['full-text', 'set-model-and-conf', 'control']);
    assert.equal(c.received[0]?.text, 'Connection established');
    const conf = c.received[1] ?? { type: '' };
    assert.equal(typeof conf.client_uid, 'string');
    assert.equal(typeof conf.conf_name, 'string');
    const info = conf.model_info as { url: string; emotionMap: Record<string, number> };
    assert.match(info.url, /model3?\.json$/);
    assert.deepEqual(info.emotionMap, { joy: 3, sad: 1 });

    for (const [lang, text] of [['ru', 'Привет!'], ['en', 'Hello!']] as const) {
      const from = c.received.length;
      s.fake.enqueue({ text: lang === 'ru' ? '[emotion: joy] Рада тебя видеть. [emotion: sad] Жаль, что ты уходишь.' : '[emotion: joy] Nice to see you. [emotion: sad] Sad you are leaving.' });
      c.send({ type: 'text-input', text, images: [] });
      await c.waitFor((m) => m.type === 'control' && m.text === 'conversation-chain-end', 15_000, from);
      const turn = c.received.slice(from);
      const seq = turn.filter((m) => m.type === 'control' || m.type === 'audio').map((m) => (m.type === 'audio' ? 'audio' : String(m.text)));
      assert.deepEqual(seq, ['conversation-chain-start', 'audio', 'audio', 'conversation-chain-end'], lang);
      const audios = turn.filter((m) => m.type === 'audio');
      assert.deepEqual(audios.map((a) => (a.actions as { expressions: number[] } | null)?.expressions), [[3], [1]], lang);
      for (const a of audios) {
        const { sampleRate, pcm } = decodeWav(Buffer.from(String(a.audio), 'base64'));
        assert.equal(sampleRate, 16_000);
        assert.equal(Math.round((pcm.length / sampleRate) * 1000), 300, 'three 100 ms chunks');
        const volumes = a.volumes as number[];
        assert.equal(a.slice_length, 20);
        assert.equal(volumes.length, 300 / 20);
        // A square wave of constant amplitude: every slice is as loud as the loudest.
        for (const v of volumes) assert.ok(Math.abs(v - 1) < 0.01, `volume ${v}`);
        assert.equal(a.forwarded, false);
        const dt = a.display_text as { text: string; name: string };
        assert.ok(dt.text.length > 0 && !dt.text.includes('[emotion'), dt.text);
      }
      const said = audios.map((a) => (a.display_text as { text: string }).text).join(' ');
      assert.match(said, lang === 'ru' ? /Рада тебя видеть/ : /Nice to see you/);
    }
  } finally {
    c.close();
    await s.stop();
  }
});

test('bad messages get their error format and the connection stays up; unsupported ones say why', async () => {
  const s = await start();
  const c = await OlvTestClient.connect(s.url);
  try {
    await c.waitFor((m) => m.type === 'set-model-and-conf');
    const cases: Array<[string, RegExp]> = [
      ['{nope', /not valid JSON/],
      [JSON.stringify({ type: 'fly-away' }), /unknown message type "fly-away"/],
      [JSON.stringify({ type: 'text-input' }), /text-input: text/],
      [JSON.stringify({ type: 'mic-audio-data', audio: 'x' }), /mic-audio-data: audio/],
      [JSON.stringify({ type: 'request-group-info' }), /not supported.*groups/],
      [JSON.stringify({ type: 'fetch-history-list' }), /fetch-history-list is not supported/],
      [JSON.stringify({ type: 'switch-config', file: 'nobody.yaml' }), /no character file "nobody.yaml"/],
    ];
    for (const [frame, re] of cases) {
      const from = c.received.length;
      c.ws.send(frame);
      const err = await c.waitFor((m) => m.type === 'error', 5000, from);
      assert.match(String(err.message), re);
    }
    c.send({ type: 'heartbeat' });
    await c.waitFor((m) => m.type === 'heartbeat-ack');
    c.send({ type: 'fetch-configs' });
    const files = await c.waitFor((m) => m.type === 'config-files');
    const configs = files.configs as Array<{ filename: string }>;
    assert.ok(configs.length > 0 && configs.every((f) => !f.filename.includes('.memory.')));
    c.send({ type: 'fetch-backgrounds' });
    await c.waitFor((m) => m.type === 'background-files');
    const active = String(c.received.find((m) => m.type === 'set-model-and-conf')?.conf_name);
    const from = c.received.length;
    c.send({ type: 'switch-config', file: `${active}.yaml` });
    await c.waitFor((m) => m.type === 'config-switched', 5000, from);
    await c.waitFor((m) => m.type === 'set-model-and-conf', 5000, from);
    assert.equal(c.ws.readyState, c.ws.OPEN);
  } finally {
    c.close();
    await s.stop();
  }
});
