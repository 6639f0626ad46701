import type { Logger } from 'pino';
import type { EventBus } from '../core/bus.ts';
import type { Disposer } from '../core/disposable.ts';

/**
 * The `perf` component: when a turn ends, one line per stage (`stage` = the two marks it spans,
 * e.g. `asr_final→llm_first_token`, or `total`) with its `latency_ms`. `turn.ended` is emitted
 * inside the turn's trace, so the lines also carry its request_id or client_uid and ws_seq.
 */
export function logTurnPerf(bus: EventBus, log: Logger): Disposer {
  const perf = log.child({ component: 'perf' });
  return bus.on('turn.ended', (t) => {
    if (!perf.isLevelEnabled('info')) return;
    for (const [stage, ms] of Object.entries(t.timings)) {
      perf.info({ event: 'perf.stage', turn_id: t.turnId, source: t.source, state: t.state, stage, latency_ms: ms }, 'turn stage latency');
    }
  });
}
