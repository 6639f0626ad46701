// The VTube Studio public API's wire format (https://github.com/DenchiSoft/VTubeStudio, README "API
// Details" and Files/ErrorID.cs): JSON text frames, each request answered by one message with the same
// `requestID`; failures come back as `messageType: "APIError"` with an `errorID`.
import { z } from 'zod';

export const API_NAME = 'VTubeStudioPublicAPI';
export const API_VERSION = '1.0';

/** Error ids this plugin acts on (Files/ErrorID.cs). */
export const VTS_ERROR = {
  REQUIRES_AUTHENTICATION: 8,
  TOKEN_REQUEST_DENIED: 50,
  TOKEN_REQUEST_ONGOING: 51,
  INJECT_PARAM_CONTROLLED_BY_OTHER_PLUGIN: 454,
} as const;

export const VtsMessageSchema = z.object({
  apiName: z.literal(API_NAME),
  apiVersion: z.string(),
  requestID: z.string().optional(),
  messageType: z.string().min(1),
  timestamp: z.number().optional(),
  data: z.record(z.string(), z.unknown()).nullish(),
});
export type VtsMessage = z.infer<typeof VtsMessageSchema>;

export const ApiErrorDataSchema = z.object({ errorID: z.number().int(), message: z.string().default('') });

export const TokenResponseSchema = z.object({ authenticationToken: z.string().min(1).max(64) });
export const AuthResponseSchema = z.object({ authenticated: z.boolean(), reason: z.string().default('') });

export const HotkeySchema = z.object({
  name: z.string(),
  type: z.string(),
  description: z.string().default(''),
  file: z.string().default(''),
  hotkeyID: z.string(),
});
export const HotkeysResponseSchema = z.object({
  modelLoaded: z.boolean(),
  modelName: z.string().default(''),
  modelID: z.string().default(''),
  availableHotkeys: z.array(HotkeySchema).default([]),
});

export const ExpressionSchema = z.object({ name: z.string(), file: z.string(), active: z.boolean().default(false) });
export const ExpressionsResponseSchema = z.object({
  modelLoaded: z.boolean(),
  modelName: z.string().default(''),
  expressions: z.array(ExpressionSchema).default([]),
});

export type VtsHotkey = z.infer<typeof HotkeySchema>;
export type VtsExpression = z.infer<typeof ExpressionSchema>;

/** An `APIError` answer, kept as a value so callers can branch on `errorID`. */
export class VtsApiError extends Error {
  constructor(
    readonly errorID: number,
    message: string,
    readonly requestType: string,
  ) {
    super(`VTube Studio refused ${requestType} (error ${errorID}): ${message}`);
    this.name = 'VtsApiError';
  }
}

/**
 * One request frame. `timestamp` (epoch ms, sub-ms precision) is allowed and ignored by VTube Studio
 * (README: "You may include a timestamp field in your requests"); it lets a log or a test see send times.
 */
export function encodeRequest(requestID: string, messageType: string, data: Record<string, unknown> | undefined): string {
  const timestamp = Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
  return JSON.stringify({ apiName: API_NAME, apiVersion: API_VERSION, timestamp, requestID, messageType, ...(data ? { data } : {}) });
}
