/**
 * The coded error catalogue. Every error that crosses a stage, HTTP or websocket edge carries
 * one of these codes, so clients and logs can branch on `code` instead of parsing messages.
 */
export const ERROR_CATALOGUE = {
  // protocol / websocket
  BAD_JSON: { retryable: false, http: 400, summary: 'message is not valid JSON' },
  BAD_MESSAGE: { retryable: false, http: 400, summary: 'message does not match the protocol' },
  UNKNOWN_MESSAGE_TYPE: { retryable: false, http: 400, summary: 'unknown message type' },
  UNEXPECTED_BINARY: { retryable: false, http: 400, summary: 'binary frame without audio-start' },
  RATE_LIMITED: { retryable: true, http: 429, summary: 'too many messages' },
  UNAUTHORIZED: { retryable: false, http: 401, summary: 'missing or wrong token' },
  FORBIDDEN: { retryable: false, http: 403, summary: 'not allowed' },
  SHUTTING_DOWN: { retryable: true, http: 503, summary: 'the daemon is shutting down' },
  PAYLOAD_TOO_LARGE: { retryable: false, http: 413, summary: 'payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { retryable: false, http: 415, summary: 'unsupported media type' },
  BAD_AUDIO: { retryable: false, http: 400, summary: 'audio is corrupt or malformed' },
  NOT_FOUND: { retryable: false, http: 404, summary: 'not found' },
  DUPLICATE_EVENT: { retryable: false, http: 409, summary: 'event already processed (replay)' },
  CONFLICT: { retryable: false, http: 409, summary: 'the request conflicts with the current state' },
  ADMIN_DISABLED: { retryable: false, http: 404, summary: 'admin routes are off: set VTUBER_ADMIN_TOKEN' },
  // config
  CONFIG_INVALID: { retryable: false, http: 500, summary: 'configuration is invalid' },
  CONFIG_NOT_FOUND: { retryable: false, http: 500, summary: 'configuration file not found' },
  CHARACTER_SWITCH_BUSY: { retryable: true, http: 409, summary: 'another character switch is running' },
  CHARACTER_UNUSABLE: { retryable: false, http: 422, summary: 'the character is valid but a stage cannot run it' },
  // stages
  STAGE_UNAVAILABLE: { retryable: true, http: 503, summary: 'stage is unavailable' },
  MODEL_MISSING: { retryable: false, http: 503, summary: 'model files are missing' },
  QUEUE_FULL: { retryable: true, http: 503, summary: 'input queue is full' },
  BUSY: { retryable: true, http: 409, summary: 'another operation of this kind is running' },
  ABORTED: { retryable: false, http: 499, summary: 'operation aborted' },
  TIMEOUT: { retryable: true, http: 504, summary: 'operation timed out' },
  UPSTREAM_UNREACHABLE: { retryable: true, http: 502, summary: 'upstream service unreachable' },
  UPSTREAM_ERROR: { retryable: true, http: 502, summary: 'upstream service returned an error' },
  LLM_FAILED: { retryable: true, http: 502, summary: 'every LLM provider failed' },
  TTS_FAILED: { retryable: true, http: 502, summary: 'speech synthesis failed' },
  ASR_FAILED: { retryable: true, http: 502, summary: 'speech recognition failed' },
  SPAWN_FAILED: { retryable: true, http: 502, summary: 'a child process could not be started, or its spawner helper died' },
  // plugins
  PLUGIN_SETUP_FAILED: { retryable: false, http: 500, summary: 'plugin setup failed' },
  PLUGIN_SETUP_TIMEOUT: { retryable: false, http: 500, summary: 'plugin setup timed out' },
  PLUGIN_UNAVAILABLE: { retryable: true, http: 503, summary: 'plugin is not running' },
  INTERNAL: { retryable: false, http: 500, summary: 'internal error' },
} as const satisfies Record<string, { retryable: boolean; http: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly httpStatus: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    const entry = ERROR_CATALOGUE[code];
    super(message ?? entry.summary, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.code = code;
    this.retryable = entry.retryable;
    this.httpStatus = entry.http;
    this.details = options?.details;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; details?: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, retryable: this.retryable, ...(this.details ? { details: this.details } : {}) };
  }
}

export function isEngineError(err: unknown): err is EngineError {
  return err instanceof EngineError;
}

/** Wraps anything thrown into an EngineError, keeping the original as `cause`. */
export function toEngineError(err: unknown, fallback: ErrorCode = 'INTERNAL'): EngineError {
  if (err instanceof EngineError) return err;
  if (isAbortError(err)) return new EngineError('ABORTED', undefined, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError(fallback, message, { cause: err });
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err instanceof EngineError && err.code === 'ABORTED'));
}
