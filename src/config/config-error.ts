import { EngineError } from '../core/errors.ts';

export interface ConfigIssue {
  file: string;
  /** 1-based line and column in `file`, when the key exists there. */
  line?: number;
  column?: number;
  /** Dotted key path, e.g. `server.ws.max_message_bytes`. */
  path: string;
  expected?: string;
  received?: string;
  message: string;
}

/** A configuration problem. The message lists every issue as `file:line:col key.path: what`. */
export class ConfigError extends EngineError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super('CONFIG_INVALID', ConfigError.format(issues), { details: { issues } });
    this.name = 'ConfigError';
    this.issues = issues;
  }

  static format(issues: readonly ConfigIssue[]): string {
    return issues
      .map((i) => {
        const where = i.line !== undefined ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
        const parts = [`${where} ${i.path || '(root)'}: ${i.message}`];
        if (i.expected !== undefined) parts.push(`expected ${i.expected}`);
        if (i.received !== undefined) parts.push(`got ${i.received}`);
        return parts.join('; ');
      })
      .join('\n');
  }
}

/** Shows a value briefly and safely (long strings are cut, secrets never reach here). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `array of ${value.length}`;
  return typeof value;
}
