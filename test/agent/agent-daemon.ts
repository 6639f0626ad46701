import { createAgentStage } from '../../src/agent/agent-stage.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../fakes/fake-openai-server.ts';
import { startTestDaemon, type TestDaemon } from '../helpers/test-daemon.ts';
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
export async function startAgentDaemon(opts: { providers?: (fakeUrl: string) => Promise<unknown[]>; env?: Record<string, string> } = {}): Promise<AgentDaemon> {
  const fake = await startFakeOpenAiServer();
  const providers = opts.providers ? await opts.providers(fake.baseUrl) : [openaiProvider(fake.baseUrl, 'fake')];
  const d = await startTestDaemon({
    config: { character: { greeting: '', llm: { providers } } },
    ...(opts.env ? { env: opts.env } : {}),
    stages: [createAgentStage()],
    logLevel: 'info',
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
