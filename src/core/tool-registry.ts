import type { Disposer } from './disposable.ts';
import { EngineError } from './errors.ts';

/** A JSON Schema object describing a tool's arguments (as LLM function calling expects). */
export type JsonSchema = { type: 'object'; properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };

export interface ToolContext {
  signal: AbortSignal;
  turnId?: string;
  userId?: string;
}

export interface ToolDefinition {
  /** Unique, `[a-zA-Z0-9_-]{1,64}` as OpenAI function names require. */
  name: string;
  description: string;
  parameters: JsonSchema;
  /** Who provides it, e.g. `mcp:weather` or `core`. Shown in status. */
  source: string;
  execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string>;
}

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/;

/** The agent's tools. Plugins add tools and get a disposer that removes them again. */
export class ToolRegistry {
  private readonly tools = new Map<string, ToolDefinition>();
  private readonly listeners = new Set<() => void>();

  register(tool: ToolDefinition): Disposer {
    if (!NAME_RE.test(tool.name)) throw new EngineError('BAD_MESSAGE', `tool name "${tool.name}" must match ${NAME_RE.source}`);
    if (this.tools.has(tool.name)) throw new EngineError('BAD_MESSAGE', `tool "${tool.name}" is already registered by ${this.tools.get(tool.name)?.source}`);
    this.tools.set(tool.name, tool);
    this.changed();
    return () => {
      if (this.tools.get(tool.name) === tool) {
        this.tools.delete(tool.name);
        this.changed();
      }
    };
  }

  get(name: string): ToolDefinition | undefined {
    return this.tools.get(name);
  }

  list(): ToolDefinition[] {
    return [...this.tools.values()];
  }

  onChange(listener: () => void): Disposer {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
