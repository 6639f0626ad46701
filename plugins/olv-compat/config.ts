import { z } from 'zod';

/** `plugins.olv-compat` in conf.yaml. */
export const OlvCompatConfigSchema = z
  .object({
    /** Websocket path their client connects to (Open-LLM-VTuber's default is /client-ws). */
    path: z.string().regex(/^\/[A-Za-z0-9_/-]{1,64}$/).default('/client-ws'),
    /** Send `control: start-mic` on connect, so their client opens the microphone. */
    start_mic: z.boolean().default(true),
    /** Length of one volume slice in the `audio` message, in ms (their lip sync reads one value per slice). */
    slice_ms: z.number().int().min(5).max(200).default(20),
    /**
     * After `backend-synth-complete`, how long to wait for their client's `frontend-playback-complete`
     * before ending the conversation chain anyway (their server waits forever).
     */
    playback_wait_ms: z.number().int().min(100).max(600_000).default(120_000),
  })
  .strict();

export type OlvCompatConfig = z.infer<typeof OlvCompatConfigSchema>;
