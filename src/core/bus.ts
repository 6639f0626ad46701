import type { Logger } from 'pino';
import type { BusEventName, BusEvents } from './bus-events.ts';
import type { Disposer } from './disposable.ts';

type Handler<K extends BusEventName> = (payload: BusEvents[K]) => void;

/**
 * A typed, synchronous event bus. A throwing handler is logged and isolated: it never breaks
 * the emitter or the other handlers, so one bad plugin cannot stop the show.
 */
export class EventBus {
  private readonly handlers = new Map<BusEventName, Set<Handler<BusEventName>>>();

  constructor(private readonly log?: Logger) {}

  on<K extends BusEventName>(event: K, handler: Handler<K>): Disposer {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    const h = handler as Handler<BusEventName>;
    set.add(h);
    return () => {
      set.delete(h);
    };
  }

  once<K extends BusEventName>(event: K, handler: Handler<K>): Disposer {
    const off = this.on(event, (payload) => {
      off();
      handler(payload);
    });
    return off;
  }

  emit<K extends BusEventName>(event: K, payload: BusEvents[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (err) {
        this.log?.error({ event: 'bus.handler_failed', bus_event: event, err }, 'bus handler threw');
      }
    }
  }

  listenerCount(event: BusEventName): number {
    return this.handlers.get(event)?.size ?? 0;
  }

  /** Resolves with the next payload of `event` that matches, or rejects on abort/timeout. */
  waitFor<K extends BusEventName>(
    event: K,
    opts: { signal?: AbortSignal; timeoutMs?: number; filter?: (payload: BusEvents[K]) => boolean } = {},
  ): Promise<BusEvents[K]> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        off();
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const off = this.on(event, (payload) => {
        if (opts.filter && !opts.filter(payload)) return;
        cleanup();
        resolve(payload);
      });
      const onAbort = (): void => {
        cleanup();
        reject(new Error(`aborted while waiting for ${event}`));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${opts.timeoutMs} ms waiting for ${event}`));
        }, opts.timeoutMs);
      }
    });
  }
}
