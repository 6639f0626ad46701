import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { STREAMER } from '../../../src/core/input.ts';
import { FakeTwitchServer } from './fake-twitch-server.ts';
import { until } from '../../../test/helpers/memory-fixtures.ts';
import { startTwitchDaemon, twitchStatus } from './helpers.ts';
import { expectKind } from '../../../test/helpers/input-kind.ts';

test('a burst of 1,000 chat lines in one second keeps the queue bounded and the loop responsive, and the streamer\'s voice is served first', async (t) => {
  const fake = await new FakeTwitchServer('floodchan').start();
  const h = await startTwitchDaemon(fake, { moderation: { batch_interval_ms: 400, max_queued_chat: 4 } });
  const { input, bus } = h.td.daemon;
  try {
    await fake.waitForJoins(1);
    await until(() => h.statuses.at(-1)?.state === 'connected', 5_000, 'connected');
    let maxQueue = 0;
    const offQueued = bus.on('input.queued', () => {
      maxQueue = Math.max(maxQueue, input.size);
    });
    /** Sends 1,000 lines in 50 frames on a 20 ms schedule (late frames catch up, so it stays ~1 s). */
    const burst = async (round: number, withVoice: boolean): Promise<{ p99: number; idleP99: number; burstMs: number }> => {
      // Pre-render the lines so the measurement is about the daemon, not about building test data.
      const lines = Array.from({ length: 1_000 }, (_, i) =>
        fake.privmsg({ userId: String(round * 10_000 + 10_000 + i), login: `viewer${round}x${i}`, text: i % 10 < 7 ? `POGGERS boss fight number ${i % 13}` : `lol look at that ${i}` }),
      );
      // The machine is shared: note its own scheduling noise first, so the test judges what the burst adds.
      const idle = monitorEventLoopDelay({ resolution: 1 });
      idle.enable();
      await new Promise((resolve) => setTimeout(resolve, 500));
      idle.disable();
      const lag = monitorEventLoopDelay({ resolution: 1 });
      lag.enable();
      const started = performance.now();
      for (let frame = 0; frame < 50; ) {
        while (frame < 50 && performance.now() - started >= frame * 20) {
          fake.broadcast(lines.slice(frame * 20, frame * 20 + 20));
          if (withVoice && frame === 25) input.push({ kind: 'voice', text: 'hey chat, calm down', user: STREAMER });
          frame++;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const burstMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 50));
      lag.disable();
      return { p99: lag.percentile(99) / 1e6, idleP99: idle.percentile(99) / 1e6, burstMs };
    };

    const firstBurst = await burst(0, true);
    await until(() => h.inputs.some((i) => i.kind === 'chat_batch'), 3_000, 'a chat batch');
    let counters = { received: {}, batched: 0 } as { received: Record<string, number>; batched: number };
    for (let i = 0; i < 100 && counters.received.chat !== 1_000; i++) {
      counters = (await twitchStatus(h.td)).counters as typeof counters;
      if (counters.received.chat !== 1_000) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(counters.received.chat, 1_000, 'every line arrived');
    assert.ok(firstBurst.burstMs < 1_500, `burst sent in ${Math.round(firstBurst.burstMs)} ms`);

    // Other engineers' builds share these 2 cores: a second and third burst may confirm the delay
    // when the first one collided with them. Code that is really slow fails all three.
    const rounds = [firstBurst];
    const lagOk = (r: { p99: number; idleP99: number }): boolean => r.p99 < 20 || r.p99 - r.idleP99 < 20;
    while (!lagOk(rounds.at(-1) as (typeof rounds)[number]) && rounds.length < 3) rounds.push(await burst(rounds.length, false));
    offQueued();
    for (const r of rounds) t.diagnostic(`burst ${Math.round(r.burstMs)} ms, loop delay p99 ${r.p99.toFixed(2)} ms (idle ${r.idleP99.toFixed(2)} ms)`);
    t.diagnostic(`queue peak ${maxQueue}, batched ${counters.batched}`);
    const last = rounds.at(-1) as (typeof rounds)[number];
    assert.ok(lagOk(last), `event-loop delay p99 ${last.p99.toFixed(1)} ms (idle machine noise ${last.idleP99.toFixed(1)} ms) in ${rounds.length} bursts`);
    assert.ok(maxQueue <= 8, `queue peaked at ${maxQueue} items`);
    assert.ok(input.size <= 8, `queue holds ${input.size} items after the bursts`);
    assert.ok(counters.batched >= 900, `batched ${counters.batched} lines`);

    const batch = h.inputs.find((i) => i.kind === 'chat_batch');
    assert.match(batch?.text ?? '', /going wild about "poggers"/);
    const messages = expectKind(batch, 'chat_batch').messages;
    assert.equal(messages.length, 8, 'a sample of 8 messages');
    assert.ok(messages.every((m) => m.user.id.startsWith('twitch:') && m.user.platform === 'twitch' && m.text.length > 0));
    assert.equal(batch?.user.platform, 'twitch');

    const first = await input.next();
    assert.equal(first.kind, 'voice', 'the streamer goes first');
    assert.equal(first.text, 'hey chat, calm down');
    const second = await input.next();
    assert.notEqual(second.kind, 'voice');
  } finally {
    await h.td.stop();
    await fake.stop();
  }
});
