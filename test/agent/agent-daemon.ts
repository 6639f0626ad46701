import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import type { StageDefinition } from '../../src/plugin-host/define-stage.ts';
import { startTestDaemon, type TestDaemon, type TestDaemonOptions } from '../helpers/test-daemon.ts';
import { TestClient } from '../helpers/ws-client.ts';

export interface AgentDaemon {
  fake: FakeOpenAiServer;
  d: TestDaemon;
  client: TestClient;
  stop(): Promise<void>;
}

/** An OpenAI-compatible provider entry for `character.llm.providers`, with short timeouts for tests. */
export const openaiProvider = (baseUrl: string, id: string): Record<string, unknown> => ({
  type: 'openai',
  id,
  base_url: baseUrl,
  model: 'fake-model',
  connect_timeout_ms: 1000,
  first_token_timeout_ms: 2000,
  idle_timeout_ms: 3000,
});

/**
 * The agent stage alone in a real daemon, talking to the fake OpenAI server over HTTP, with a
 * websocket client connected. `providers` gets the fake's base URL (default: just the fake).
 */
export async function startAgentDaemon(
  opts: {
    providers?: (fakeUrl: string) => Promise<unknown[]>;
    env?: Record<string, string>;
    /** Config sections besides `character` (e.g. `memory`). */
    config?: Record<string, unknown>;
    /** Stages to run (default: the agent stage alone). */
    stages?: StageDefinition[];
    logLevel?: TestDaemonOptions['logLevel'];
  } = {},
): Promise<AgentDaemon> {
  const fake = await startFakeOpenAiServer();
  const providers = opts.providers ? await opts.providers(fake.baseUrl) : [openaiProvider(fake.baseUrl, 'fake')];
  const d = await startTestDaemon({
    config: { ...opts.config, character: { greeting: '', llm: { providers } } },
    ...(opts.env ? { env: opts.env } : {}),
    stages: opts.stages ?? [createAgentStage()],
    logLevel: opts.logLevel ?? 'info',
  });
  const client = await TestClient.connect(d.wsUrl);
  return {
    fake,
    d,
    client,
    async stop() {
      await client.close();
      await d.stop();
      await fake.close();
    },
  };
}
