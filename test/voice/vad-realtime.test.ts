import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { streamToBus } from '../../src/audio/wav-source.ts';
import { vadStage } from '../../src/vad/vad-stage.ts';
import { audibleSpan, concat, silence, speech } from '../helpers/speech-fixtures.ts';
import { startTestDaemon } from '../helpers/test-daemon.ts';

test('fed in real time, vad.speech_end fires within hangover + 64 ms of the real end of speech', async () => {
  const hangover = 300;
  const td = await startTestDaemon({ stages: [vadStage], config: { vad: { min_silence_ms: hangover } }, logLevel: 'info' });
  try {
    assert.equal(td.daemon.status.get('stage', 'vad')?.state, 'live');
    const hello = speech('hello');
    const lead = 400;
    const audio = concat(16000, silence(lead), hello.samples, silence(800));
    const speechEndMs = lead + audibleSpan(hello).endMs;
    const started = td.daemon.bus.waitFor('vad.speech_start', { timeoutMs: 10_000 });
    const ended = td.daemon.bus.waitFor('vad.speech_end', { timeoutMs: 10_000 });
    const t0 = performance.now();
    await streamToBus(td.daemon.bus, 'mic-1', audio, { realtime: true, chunkSamples: 320, t0 });
    const start = await started;
    const end = await ended;
    const realEndAt = t0 + speechEndMs;
    const lag = end.at - realEndAt;
    assert.ok(lag <= hangover + 64, `speech_end came ${lag.toFixed(0)} ms after speech ended (limit ${hangover + 64})`);
    assert.ok(lag >= hangover - 64, `speech_end came too early: ${lag.toFixed(0)} ms`);
    assert.ok(start.at < end.at);
    assert.ok(Math.abs(end.endMs - speechEndMs) <= 150, `endMs ${end.endMs} vs ${speechEndMs}`);
  } finally {
    await td.stop();
  }
});
