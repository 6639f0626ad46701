import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { encodeWavPcm16 } from '../audio/wav.ts';
import { EngineError, toEngineError } from '../core/errors.ts';
import { PerIpLimiter } from '../server/per-ip-limiter.ts';
import type { EngineChain } from './engine-chain.ts';
import type { Prosody } from './engine.ts';

const TtsRequestSchema = z
  .object({
    text: z.string().trim().min(1).max(1000),
    /** An engine name from the chain; without it the chain's usual fallback order applies. */
    engine: z.string().min(1).max(40).optional(),
    /** A voice of `engine` (needs `engine`). */
    voice: z.string().min(1).max(100).optional(),
    rate: z.number().min(0.5).max(2).optional(),
    pitch: z.number().min(0.5).max(2).optional(),
    volume: z.number().min(0).max(2).optional(),
  })
  .strict();

/** Previews one client address may have in flight; more get 429 with Retry-After. */
export const TTS_PREVIEWS_PER_IP = 2;

/** `POST /api/tts {text, engine?, voice?}` → audio/wav, for voice previews in the admin UI. */
export function registerTtsRoutes(app: FastifyInstance, deps: { chain: () => EngineChain; base: () => Prosody; requireAdmin: preHandlerHookHandler; signal: AbortSignal }): void {
  const limiter = new PerIpLimiter(TTS_PREVIEWS_PER_IP, 'POST /api/tts');
  app.post('/api/tts', { preHandler: deps.requireAdmin }, async (req, reply) => {
    const parsed = TtsRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply.code(400).send({ error: { code: 'BAD_MESSAGE', message: `field ${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}` } });
    }
    const body = parsed.data;
    // The current character's voice (it changes on a runtime switch).
    const chain = deps.chain();
    const base = deps.base();
    if (body.voice && !body.engine) return reply.code(400).send({ error: { code: 'BAD_MESSAGE', message: 'field voice: needs engine (voice names belong to one engine)' } });
    if (body.engine && !chain.engineNames.includes(body.engine)) {
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `engine "${body.engine}" is not available; available: ${chain.engineNames.join(', ')}` } });
    }
    const release = limiter.acquire(req, reply);
    const controller = new AbortController();
    const onClose = (): void => {
      if (!reply.sent) controller.abort(new EngineError('ABORTED', 'client went away'));
    };
    req.raw.on('close', onClose);
    const stop = (): void => controller.abort(deps.signal.reason);
    deps.signal.addEventListener('abort', stop, { once: true });
    const prosody: Prosody = { rate: body.rate ?? base.rate, pitch: body.pitch ?? base.pitch, volume: body.volume ?? base.volume };
    const parts: Int16Array[] = [];
    let sampleRate = 0;
    let engine = '';
    try {
      for await (const c of chain.synthesize(body.text, prosody, controller.signal, { ...(body.engine ? { only: body.engine } : {}), ...(body.voice ? { voice: body.voice } : {}) })) {
        parts.push(c.chunk.pcm);
        sampleRate = c.chunk.sampleRate;
        engine = c.engine;
      }
    } catch (err) {
      const e = toEngineError(err, 'TTS_FAILED');
      return reply.code(e.httpStatus).send({ error: { code: e.code, message: e.message } });
    } finally {
      release();
      req.raw.off('close', onClose);
      deps.signal.removeEventListener('abort', stop);
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    const pcm = new Int16Array(total);
    let off = 0;
    for (const p of parts) {
      pcm.set(p, off);
      off += p.length;
    }
    return reply.header('content-type', 'audio/wav').header('x-tts-engine', engine).send(encodeWavPcm16(pcm, sampleRate));
  });
}
