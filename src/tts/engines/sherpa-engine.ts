import { createRequire } from 'node:module';
import path from 'node:path';
import { EngineError } from '../../core/errors.ts';
import { abortError } from '../../core/abort.ts';
import { ChunkQueue } from '../chunk-queue.ts';
import type { AudioChunk, EngineAvailability, Prosody, TtsEngine } from '../engine.ts';
import { missingModelFiles, pickTtsModel, type TtsModelSpec } from '../tts-models.ts';
import { floatToPcm16 } from './pcm-bytes.ts';

interface GeneratedAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** The part of sherpa-onnx-node's OfflineTts this engine uses. */
interface OfflineTtsLike {
  sampleRate: number;
  numSpeakers: number;
  generateAsync(req: { text: string; sid: number; speed: number; onProgress?: (info: { samples: Float32Array; progress: number }) => number | boolean | void }): Promise<GeneratedAudio>;
}

interface SherpaModule {
  OfflineTts: { createAsync(config: Record<string, unknown>): Promise<OfflineTtsLike> };
}

/**
 * Offline neural voices (piper/vits, kokoro) through sherpa-onnx-node. The model loads on first
 * use; audio streams through sherpa's progress callback, sentence by sentence.
 */
export class SherpaEngine implements TtsEngine {
  readonly name = 'sherpa';
  private spec: TtsModelSpec | undefined;
  private tts: Promise<OfflineTtsLike> | undefined;

  constructor(
    private readonly opts: { modelsDir: string; model: string; language: string; numThreads: number },
  ) {}

  async probe(): Promise<EngineAvailability> {
    const spec = pickTtsModel(this.opts.model, this.opts.language, this.opts.modelsDir);
    if (!spec) {
      return { ok: false, detail: this.opts.model ? `unknown TTS model "${this.opts.model}"` : `no offline TTS model for "${this.opts.language}" in ${this.opts.modelsDir}` };
    }
    const missing = missingModelFiles(spec, this.opts.modelsDir);
    if (missing.length > 0) return { ok: false, detail: `model ${spec.id} is missing ${missing.join(', ')}: npm run models -- pull ${spec.id}` };
    this.spec = spec;
    return { ok: true, detail: `model ${spec.id}` };
  }

  defaultVoice(): string {
    return '0';
  }

  private load(): Promise<OfflineTtsLike> {
    const spec = this.spec;
    if (!spec) return Promise.reject(new EngineError('MODEL_MISSING', 'sherpa engine used before probe()'));
    this.tts ??= (async () => {
      const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
      const dir = path.join(this.opts.modelsDir, spec.id);
      const f = (name: string | undefined): string => (name ? path.join(dir, name) : '');
      const files = spec.files;
      const model =
        spec.kind === 'kokoro'
          ? { kokoro: { model: f(files.model), voices: f(files.voices), tokens: f(files.tokens), dataDir: f(files.dataDir) } }
          : { vits: { model: f(files.model), tokens: f(files.tokens), dataDir: f(files.dataDir), lexicon: f(files.lexicon) } };
      return sherpa.OfflineTts.createAsync({ model: { ...model, numThreads: this.opts.numThreads, provider: 'cpu', debug: false }, maxNumSentences: 1 });
    })();
    this.tts.catch(() => (this.tts = undefined));
    return this.tts;
  }

  async *synthesize(text: string, voice: string, prosody: Prosody, signal: AbortSignal): AsyncIterable<AudioChunk> {
    const tts = await this.load();
    if (signal.aborted) throw abortError(signal);
    const sid = Math.min(Math.max(0, Number.parseInt(voice, 10) || 0), Math.max(0, tts.numSpeakers - 1));
    const queue = new ChunkQueue<AudioChunk>();
    const gain = prosody.volume;
    let streamed = false;
    // NOTE: sherpa has no pitch control for these models; pitch is ignored here.
    tts
      .generateAsync({
        text,
        sid,
        speed: prosody.rate,
        onProgress: (info) => {
          if (signal.aborted) return 0;
          streamed = true;
          queue.push({ pcm: floatToPcm16(info.samples, gain), sampleRate: tts.sampleRate });
          return 1;
        },
      })
      .then(
        (audio) => {
          if (!streamed && audio.samples.length > 0) queue.push({ pcm: floatToPcm16(audio.samples, gain), sampleRate: audio.sampleRate });
          queue.end();
        },
        (err: unknown) => queue.fail(new EngineError('TTS_FAILED', `sherpa: ${err instanceof Error ? err.message : String(err)}`, { cause: err })),
      );
    for (;;) {
      const chunk = await queue.next(signal);
      if (!chunk) return;
      yield chunk;
    }
  }
}
