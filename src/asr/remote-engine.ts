import { EngineError, isAbortError } from '../core/errors.ts';
import { encodeWav } from '../audio/wav.ts';
import type { AsrEngine, AsrEngineFactory, AsrResult } from './asr-engine.ts';
import type { AsrConfig } from './asr-config.ts';

const RATE = 16_000;

/**
 * OpenAI-compatible `POST {base_url}/audio/transcriptions` (OpenAI, Groq, faster-whisper servers,
 * LocalAI...). Each utterance is sent as a 16 kHz PCM16 WAV in a multipart form.
 */
export class RemoteAsrEngine implements AsrEngine {
  readonly name = 'remote';
  readonly streaming = false;

  constructor(
    private readonly remote: AsrConfig['remote'],
    private readonly language: string,
    private readonly apiKey: string | undefined,
  ) {}

  get model(): string {
    return this.remote.model;
  }

  async transcribe(samples: Float32Array, signal?: AbortSignal): Promise<AsrResult> {
    if (samples.length === 0) return { text: '' };
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(encodeWav({ sampleRate: RATE, channelData: [samples] }))], { type: 'audio/wav' }), 'speech.wav');
    form.append('model', this.remote.model);
    form.append('response_format', 'json');
    if (this.language) form.append('language', this.language);
    const url = `${this.remote.base_url.replace(/\/+$/, '')}/audio/transcriptions`;
    const timeout = AbortSignal.timeout(this.remote.timeout_ms);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body: form, headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}, signal: combined });
    } catch (err) {
      if (signal?.aborted) throw new EngineError('ABORTED', undefined, { cause: err });
      if (timeout.aborted || isAbortError(err)) throw new EngineError('TIMEOUT', `remote ASR did not answer within ${this.remote.timeout_ms} ms`, { cause: err });
      throw new EngineError('UPSTREAM_UNREACHABLE', `remote ASR at ${new URL(url).host} is unreachable: ${(err as Error).message}`, { cause: err });
    }
    const body = await res.text();
    if (!res.ok) {
      throw new EngineError('UPSTREAM_ERROR', `remote ASR answered HTTP ${res.status}: ${body.slice(0, 200)}`, { details: { status: res.status } });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new EngineError('UPSTREAM_ERROR', 'remote ASR answered with something that is not JSON');
    }
    const text = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).text : undefined;
    if (typeof text !== 'string') throw new EngineError('UPSTREAM_ERROR', 'remote ASR answer has no "text" string');
    const lang = (parsed as Record<string, unknown>).language;
    return { text: text.trim(), ...(typeof lang === 'string' ? { language: lang } : {}) };
  }

  dispose(): void {}
}

export const remoteAsrFactory: AsrEngineFactory = {
  name: 'remote',
  description: 'OpenAI-compatible /v1/audio/transcriptions (OpenAI, Groq, self-hosted whisper servers)',
  async create({ config, env }) {
    const key = env[config.remote.api_key_env];
    return new RemoteAsrEngine(config.remote, config.language, key && key.trim() ? key.trim() : undefined);
  },
};
