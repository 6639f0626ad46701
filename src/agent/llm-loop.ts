import type { Logger } from 'pino';
import { EngineError, isAbortError, toEngineError } from '../core/errors.ts';
import { withTimeout } from '../core/retry.ts';
import type { ToolDefinition, ToolRegistry } from '../core/tool-registry.ts';
import { formatToolError, formatToolResult, looksLikeToolCall, parseToolCallReply, renderToolInstructions } from '../tools/prompt-tool-protocol.ts';
import type { ChatMessage, LlmChunk, LlmProvider, LlmRequest, LlmToolSpec, SamplingSettings, ToolCall } from './llm/llm-types.ts';

export interface ToolStatus {
  callId: string;
  name: string;
  status: 'running' | 'completed' | 'error';
  content?: string;
}

export interface LlmLoopOptions {
  provider: LlmProvider;
  messages: ChatMessage[];
  sampling: SamplingSettings;
  tools: ToolRegistry;
  maxRounds: number;
  toolTimeoutMs: number;
  signal: AbortSignal;
  turnId: string;
  userId: string;
  log: Logger;
  onToolStatus(status: ToolStatus): void;
}

export interface LlmLoopResult {
  usage: { promptTokens: number; completionTokens: number };
  rounds: number;
  finishReason: string | undefined;
  toolCalls: number;
}

type TextChunk = Extract<LlmChunk, { type: 'text' | 'reasoning' }>;

/** The tools offered to `provider` (none when it cannot call tools). */
export function toolSpecs(provider: LlmProvider, tools: ToolRegistry): LlmToolSpec[] {
  return provider.supportsTools ? tools.list().map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })) : [];
}

/** One round's request: tools are offered on every round but the last, which must answer in words. */
export function roundRequest(messages: ChatMessage[], sampling: SamplingSettings, specs: LlmToolSpec[], lastRound: boolean): Omit<LlmRequest, 'signal'> {
  return { messages, sampling, ...(specs.length && !lastRound ? { tools: specs } : {}) };
}

/** The tools a provider without native function calling gets through the prompt protocol. */
function promptToolsFor(provider: LlmProvider, tools: ToolRegistry): ToolDefinition[] {
  return provider.supportsTools ? [] : tools.list();
}

/**
 * The first round's messages: for a provider without native tools, the prompt-protocol tool
 * instructions join the system message (or make one). The early (prefetched) request uses this too.
 */
export function loopMessages(provider: LlmProvider, tools: ToolRegistry, messages: ChatMessage[]): ChatMessage[] {
  const promptTools = promptToolsFor(provider, tools);
  if (promptTools.length === 0) return [...messages];
  const instructions = renderToolInstructions(promptTools);
  const first = messages[0];
  if (first?.role === 'system') return [{ ...first, content: `${first.content}\n\n${instructions}` }, ...messages.slice(1)];
  return [{ role: 'system', content: instructions }, ...messages];
}

/**
 * Streams one reply, running tools in between: when a round ends with tool calls, each tool runs
 * (with a timeout), its result goes back as a `tool` message, and the model continues — at most
 * `maxRounds` rounds. Yields only text and reasoning; works with any provider. A provider without
 * native tool calling (`supports_tools: false`) gets the tools described in its system prompt and
 * calls one by answering with a single JSON object (src/tools/prompt-tool-protocol.ts); such a reply
 * is held back while it can still be a call, so ordinary answers still stream from the first word.
 */
export async function* runLlmLoop(o: LlmLoopOptions): AsyncGenerator<TextChunk, LlmLoopResult> {
  const promptTools = promptToolsFor(o.provider, o.tools);
  let messages = loopMessages(o.provider, o.tools, o.messages);
  const usage = { promptTokens: 0, completionTokens: 0 };
  let finishReason: string | undefined;
  let toolCalls = 0;
  let promptToolsLeft = promptTools.length > 0;
  let invalidRetried = false;
  const specs = toolSpecs(o.provider, o.tools);
  for (let round = 1; round <= o.maxRounds; round++) {
    const calls: ToolCall[] = [];
    let roundText = '';
    const lastRound = round === o.maxRounds;
    let holding = promptToolsLeft && !lastRound;
    let held = '';
    for await (const chunk of o.provider.stream({ ...roundRequest(messages, o.sampling, specs, lastRound), signal: o.signal })) {
      if (o.signal.aborted) break;
      if (chunk.type === 'text' && holding) {
        roundText += chunk.text;
        held += chunk.text;
        if (looksLikeToolCall(held)) continue;
        holding = false;
        yield { type: 'text', text: held };
        held = '';
      } else if (chunk.type === 'text' || chunk.type === 'reasoning') {
        if (chunk.type === 'text') roundText += chunk.text;
        yield chunk;
      } else if (chunk.type === 'tool_call') {
        calls.push(chunk.call);
      } else {
        usage.promptTokens += chunk.usage?.promptTokens ?? 0;
        usage.completionTokens += chunk.usage?.completionTokens ?? 0;
        finishReason = chunk.finishReason;
      }
    }
    if (o.signal.aborted) throw new EngineError('ABORTED');
    if (holding && held.trim() !== '') {
      // The whole reply looked like a tool call until the end: parse it strictly.
      const parsed = parseToolCallReply(held, promptTools);
      if (parsed.kind === 'call') {
        toolCalls++;
        const content = await runTool({ id: `prompt-${round}`, name: parsed.name, arguments: JSON.stringify(parsed.arguments) }, o);
        messages = [...messages, { role: 'assistant', content: held }, { role: 'user', content: formatToolResult(parsed.name, content) }];
        continue;
      }
      if (parsed.kind === 'invalid') {
        o.log.warn({ event: 'agent.prompt_tool_invalid', round, retried: invalidRetried }, 'model wrote an invalid tool call');
        if (!invalidRetried) {
          invalidRetried = true;
          messages = [...messages, { role: 'assistant', content: held }, { role: 'user', content: formatToolError(parsed.error) }];
          continue;
        }
        // Second invalid call: ask once more for a plain answer, which streams as it comes.
        promptToolsLeft = false;
        messages = [...messages, { role: 'assistant', content: held }, { role: 'user', content: 'Answer the user now in plain words, without JSON or tools.' }];
        continue;
      }
      yield { type: 'text', text: held };
    }
    if (calls.length === 0) return { usage, rounds: round, finishReason, toolCalls };
    if (lastRound) {
      o.log.warn({ event: 'agent.tool_rounds_exhausted', rounds: round }, 'model kept calling tools; stopping');
      return { usage, rounds: round, finishReason, toolCalls };
    }
    messages.push({ role: 'assistant', content: roundText, toolCalls: calls });
    for (const call of calls) {
      toolCalls++;
      const content = await runTool(call, o);
      messages.push({ role: 'tool', content, toolCallId: call.id, name: call.name });
    }
  }
  return { usage, rounds: o.maxRounds, finishReason, toolCalls };
}

async function runTool(call: ToolCall, o: LlmLoopOptions): Promise<string> {
  const tool = o.tools.get(call.name);
  o.onToolStatus({ callId: call.id, name: call.name, status: 'running' });
  const started = performance.now();
  try {
    if (!tool) throw new EngineError('NOT_FOUND', `no tool named "${call.name}"`);
    const args = parseArguments(call.arguments);
    const child = new AbortController();
    const onAbort = (): void => child.abort(o.signal.reason);
    o.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await withTimeout(tool.execute(args, { signal: child.signal, turnId: o.turnId, userId: o.userId }), o.toolTimeoutMs, () => {
        child.abort();
        return new EngineError('TIMEOUT', `tool "${call.name}" did not answer within ${o.toolTimeoutMs} ms`);
      });
      o.onToolStatus({ callId: call.id, name: call.name, status: 'completed', content: result.slice(0, 2000) });
      o.log.info({ event: 'agent.tool_done', tool: call.name, ms: Math.round(performance.now() - started) }, 'tool call completed');
      return result;
    } finally {
      o.signal.removeEventListener('abort', onAbort);
    }
  } catch (err) {
    if (isAbortError(err) && o.signal.aborted) throw err;
    const e = toEngineError(err);
    o.onToolStatus({ callId: call.id, name: call.name, status: 'error', content: e.message });
    o.log.warn({ event: 'agent.tool_failed', tool: call.name, code: e.code }, 'tool call failed');
    return `Error: ${e.message}`;
  }
}

function parseArguments(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EngineError('BAD_MESSAGE', 'tool arguments are not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new EngineError('BAD_MESSAGE', 'tool arguments must be a JSON object');
  return parsed as Record<string, unknown>;
}
