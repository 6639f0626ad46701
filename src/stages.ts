import { createAgentStage } from './agent/agent-stage.ts';
import type { StageDefinition } from './plugin-host/define-stage.ts';
import { asrStage } from './asr/asr-stage.ts';
import { ttsStage } from './tts/index.ts';
import { vadStage } from './vad/vad-stage.ts';
import { voiceStage } from './voice/voice-stage.ts';
import { memoryStage } from './memory/memory-stage.ts';
import { relationshipsStage } from './relationships/relationships-stage.ts';

/**
 * The built-in stages, in start order. Each lives in its own folder under src/ and is wired
 * here with one line; stop runs in reverse order.
 */
export const BUILTIN_STAGES: readonly StageDefinition[] = [
  vadStage,
  asrStage,
  voiceStage,
  memoryStage,
  relationshipsStage,
  ttsStage,
  createAgentStage(),
];
