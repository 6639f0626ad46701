import type { EventBus } from './bus.ts';

export type ComponentKind = 'stage' | 'plugin' | 'service';
export type ComponentState = 'starting' | 'live' | 'degraded' | 'unavailable' | 'failed' | 'disabled' | 'stopped';

export interface StatusEntry {
  kind: ComponentKind;
  name: string;
  state: ComponentState;
  /** One human-readable line, e.g. the command to run to fetch a missing model. */
  detail?: string;
  /** Component-specific figures (engine in use, versions, counters...). */
  info?: Record<string, unknown>;
  /** Epoch ms of the last change. */
  since: number;
}

/** The single source of truth for `/admin/status` and the `status` websocket message. */
export class StatusRegistry {
  private readonly entries = new Map<string, StatusEntry>();

  constructor(private readonly bus: EventBus) {}

  set(kind: ComponentKind, name: string, state: ComponentState, extra: { detail?: string; info?: Record<string, unknown> } = {}): StatusEntry {
    const key = `${kind}:${name}`;
    const prev = this.entries.get(key);
    const entry: StatusEntry = {
      kind,
      name,
      state,
      ...(extra.detail !== undefined ? { detail: extra.detail } : {}),
      ...(extra.info !== undefined ? { info: extra.info } : prev?.info && prev.state === state ? { info: prev.info } : {}),
      since: prev && prev.state === state ? prev.since : Date.now(),
    };
    this.entries.set(key, entry);
    if (!prev || prev.state !== entry.state || prev.detail !== entry.detail) this.bus.emit('status.changed', entry);
    return entry;
  }

  /** Updates figures without announcing a state change. */
  setInfo(kind: ComponentKind, name: string, info: Record<string, unknown>): void {
    const entry = this.entries.get(`${kind}:${name}`);
    if (entry) entry.info = { ...entry.info, ...info };
  }

  get(kind: ComponentKind, name: string): StatusEntry | undefined {
    return this.entries.get(`${kind}:${name}`);
  }

  list(kind?: ComponentKind): StatusEntry[] {
    return [...this.entries.values()].filter((e) => kind === undefined || e.kind === kind);
  }

  /** `{ stages: {vad: {...}}, plugins: {...}, services: {...} }` */
  snapshot(): Record<'stages' | 'plugins' | 'services', Record<string, StatusEntry>> {
    const out: Record<'stages' | 'plugins' | 'services', Record<string, StatusEntry>> = { stages: {}, plugins: {}, services: {} };
    for (const e of this.entries.values()) {
      const bucket = e.kind === 'stage' ? out.stages : e.kind === 'plugin' ? out.plugins : out.services;
      bucket[e.name] = { ...e };
    }
    return out;
  }
}
