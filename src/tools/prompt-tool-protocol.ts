import type { JsonSchema, ToolDefinition } from '../core/tool-registry.ts';

/**
 * Tool calling for models without native function calling: the tools are described in the system
 * prompt, the model answers with exactly one JSON object to call one, and the reply is parsed
 * strictly (no prose around it, known tool, arguments checked against the tool's JSON schema).
 *
 * How the agent uses it, per LLM round:
 *   1. system prompt += renderToolInstructions(registry.list())
 *   2. parseToolCallReply(fullReplyText, registry.list())
 *      - 'text'   → an ordinary answer: speak it.
 *      - 'call'   → run registry.get(name).execute(arguments), append the model's JSON as an assistant
 *                   message and formatToolResult(...) as a user message, ask again (bounded rounds).
 *      - 'invalid' → append formatToolError(error) and ask again once; then answer without tools.
 * Buffer the reply until it can no longer be a call: looksLikeToolCall(prefix) says whether to keep
 * buffering, so ordinary answers still stream from the first clause.
 */

export type ParsedReply =
  | { kind: 'text'; text: string }
  | { kind: 'call'; name: string; arguments: Record<string, unknown> }
  | { kind: 'invalid'; error: string };

type ToolSpec = Pick<ToolDefinition, 'name' | 'description' | 'parameters'>;

export function renderToolInstructions(tools: readonly ToolSpec[]): string {
  if (tools.length === 0) return '';
  const lines = tools.map((t) => `- ${t.name}: ${t.description}\n  arguments (JSON schema): ${JSON.stringify(t.parameters)}`);
  return [
    'You can use these tools:',
    ...lines,
    'To use a tool, reply with only one JSON object and nothing else, on one line:',
    '{"tool": "<tool name>", "arguments": {<arguments>}}',
    'You will then get the result and can answer. If no tool is needed, answer normally without JSON.',
  ].join('\n');
}

/** True while `prefix` (the reply so far) could still become a tool call. */
export function looksLikeToolCall(prefix: string): boolean {
  const p = prefix.trimStart();
  return p === '' || p.startsWith('{') || '```json'.startsWith(p.slice(0, 7)) || p.startsWith('```');
}

function stripFence(text: string): string {
  const m = /^```(?:json)?\s*\n?([\s\S]*?)\n?```$/.exec(text);
  return m ? (m[1] ?? '').trim() : text;
}

export function parseToolCallReply(reply: string, tools: readonly ToolSpec[]): ParsedReply {
  const trimmed = stripFence(reply.trim());
  if (!trimmed.startsWith('{')) return { kind: 'text', text: reply };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (err) {
    return { kind: 'invalid', error: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { kind: 'invalid', error: 'expected a JSON object' };
  const obj = data as Record<string, unknown>;
  const extra = Object.keys(obj).filter((k) => k !== 'tool' && k !== 'arguments');
  if (extra.length > 0) return { kind: 'invalid', error: `unexpected key "${extra[0]}": use only "tool" and "arguments"` };
  if (typeof obj.tool !== 'string') return { kind: 'invalid', error: '"tool" must be a tool name string' };
  const tool = tools.find((t) => t.name === obj.tool);
  if (!tool) return { kind: 'invalid', error: `unknown tool "${obj.tool}"; available: ${tools.map((t) => t.name).join(', ')}` };
  const args = obj.arguments ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { kind: 'invalid', error: '"arguments" must be a JSON object' };
  const problem = checkArguments(args as Record<string, unknown>, tool.parameters);
  if (problem) return { kind: 'invalid', error: `${tool.name}: ${problem}` };
  return { kind: 'call', name: tool.name, arguments: args as Record<string, unknown> };
}

/** Checks required fields, declared primitive types and enums, and unknown fields when closed. */
export function checkArguments(args: Record<string, unknown>, schema: JsonSchema): string | undefined {
  const props = (schema.properties ?? {}) as Record<string, { type?: unknown; enum?: unknown }>;
  for (const key of schema.required ?? []) if (!(key in args)) return `missing required argument "${key}"`;
  for (const [key, value] of Object.entries(args)) {
    const prop = props[key];
    if (!prop) {
      if (schema.additionalProperties === false) return `unknown argument "${key}"`;
      continue;
    }
    const types = Array.isArray(prop.type) ? (prop.type as unknown[]) : prop.type === undefined ? [] : [prop.type];
    if (types.length > 0 && !types.some((t) => matchesType(value, t))) return `argument "${key}" must be ${types.join(' or ')}`;
    if (Array.isArray(prop.enum) && !prop.enum.includes(value)) return `argument "${key}" must be one of ${prop.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  }
  return undefined;
}

function matchesType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

export function formatToolResult(name: string, result: string): string {
  return `Result of tool ${name}:\n${result}\nNow answer the user using this result. Do not output JSON.`;
}

export function formatToolError(error: string): string {
  return `Your tool call was not valid (${error}). Reply with exactly one JSON object {"tool": ..., "arguments": {...}} or answer without tools.`;
}
