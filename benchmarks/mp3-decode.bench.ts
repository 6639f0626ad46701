// The Edge voice's MP3 decoding in process (mpg123 WASM): decode time per second of audio and
// time to the first PCM, feeding the stream in 4 KB pieces as the service sends it. The MP3 is
// espeak-ng speech encoded by lame in Edge's format (24 kHz mono, CBR 48 kbit/s).
// Usage: npm run bench -- mp3-decode [runs]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Mp3StreamDecoder, WarmMp3Decoders } from '../src/tts/engines/mp3-stream-decoder.ts';
import { median, percentile, writeResult, type BenchRow } from './lib/report.ts';

const TEXT =
  'Hello everyone and welcome back to the stream. Today we are going to try something new, so grab a drink and get comfy. ' +
  'Chat, tell me what you think as we go, and do not forget to say hi to the new people.';

function makeMp3(dir: string): Buffer {
  const wav = path.join(dir, 'speech.wav');
  const wav24 = path.join(dir, 'speech24.wav');
  const mp3 = path.join(dir, 'speech.mp3');
  const steps: Array<[string, string[]]> = [
    ['espeak-ng', ['-w', wav, TEXT]],
    ['sox', [wav, '-r', '24000', '-c', '1', '-b', '16', wav24]],
    ['lame', ['--quiet', '-m', 'm', '--cbr', '-b', '48', wav24, mp3]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args);
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.error?.message ?? String(r.stderr)}): install espeak-ng, sox and lame`);
  }
  return readFileSync(mp3);
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args[0] ?? 30);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-mp3-'));
  try {
    const mp3 = makeMp3(dir);
    const createMs: number[] = [];
    const warmMs: number[] = [];
    const warm = new WarmMp3Decoders();
    await warm.prime();
    const firstMs: number[] = [];
    const msPerAudioS: number[] = [];
    let audioS = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const dec = await Mp3StreamDecoder.create();
      const t1 = performance.now();
      let first: number | undefined;
      let samples = 0;
      let rate = 24_000;
      for (let off = 0; off < mp3.length; off += 4096) {
        const c = dec.push(mp3.subarray(off, off + 4096));
        if (c) {
          first ??= performance.now() - t1;
          samples += c.pcm.length;
          rate = c.sampleRate;
        }
      }
      const total = performance.now() - t1;
      dec.free();
      audioS = samples / rate;
      createMs.push(t1 - t0);
      // What the Edge engine does: take the spare made while the previous segment played.
      const w0 = performance.now();
      (await warm.take()).free();
      warmMs.push(performance.now() - w0);
      await new Promise((r) => setTimeout(r, 150));
      firstMs.push(first ?? Number.NaN);
      msPerAudioS.push(total / audioS);
    }
    const row = (label: string, xs: number[]): BenchRow => ({ metric: label, runs: xs.length, p50: Math.round(median(xs) * 100) / 100, p95: Math.round(percentile(xs, 95) * 100) / 100 });
    const rtf = median(msPerAudioS) / 1000;
    const out = writeResult({
      name: 'mp3-decode',
      description: `In-process MP3 decoding for the Edge voice (mpg123-decoder, WASM): ${mp3.length} bytes of MP3 holding ${audioS.toFixed(1)} s of speech, fed in 4 KB pieces; ${runs} runs.`,
      rows: [row('decoder create + WASM ready, cold (ms)', createMs), row('decoder taken from the warm spare, as the engine does (ms)', warmMs), row('first PCM after the first piece (ms)', firstMs), row('decode time per second of audio (ms)', msPerAudioS)],
      goals: [{ metric: 'real-time factor (decode time / audio time)', goal: '< 0.05 (no audible cost next to the network)', value: Math.round(rtf * 10_000) / 10_000, met: rtf < 0.05 }],
      notes: ['The machine is shared (2 cores, other builds running): figures are upper bounds.', 'No child process: ffmpeg/mpg123 are not needed (tts.edge.decoder: auto).'],
    });
    process.stdout.write(out);
    warm.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
