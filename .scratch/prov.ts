import { startFakeOpenAiServer } from '../test/fakes/fake-openai-server.ts';
import { OpenAiCompatibleProvider } from '../src/agent/llm/openai-compatible.ts';
const fake = await startFakeOpenAiServer();
fake.defaultReply = { text: 'a b c d e f g h', ttftMs: 0, tokenDelayMs: 0 };
const p = new OpenAiCompatibleProvider({ id: 'x', baseUrl: fake.baseUrl, model: 'm', connectTimeoutMs: 2000, firstTokenTimeoutMs: 2000, idleTimeoutMs: 2000 });
const messages = [{ role: 'system' as const, content: 'x'.repeat(3000) }, { role: 'user' as const, content: 'hello there' }];
const xs: number[] = [];
for (let i = 0; i < 300; i++) {
  const t0 = performance.now();
  for await (const _ of p.stream({ messages, sampling: {}, signal: new AbortController().signal })) { /* */ }
  xs.push(fake.requests.at(-1)!.receivedAt - t0);
}
xs.sort((a, b) => a - b);
console.log('provider call→arrival p50', xs[150]!.toFixed(3), 'p90', xs[270]!.toFixed(3));
await p.dispose(); await fake.close();
