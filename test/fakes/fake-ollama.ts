import { startFakeOpenAiServer, type FakeOpenAiServer } from './fake-openai-server.ts';

/**
 * A fake Ollama: GET /api/tags as in Ollama's API docs ("List Local Models": `{ models: [{ name, model,
 * modified_at, size, digest, details }] }`), chat through its OpenAI compatibility endpoint
 * /v1/chat/completions (SSE), which the shared fake OpenAI server speaks. `models` are the listed tags,
 * in order (default an embedding model, then one chat model); change `fake.tags` to list others.
 */
export type FakeOllama = FakeOpenAiServer & { tags: string[] };

export async function startFakeOllama(models: string[] = ['nomic-embed-text:latest', 'llama3.2:1b']): Promise<FakeOllama> {
  const fake = Object.assign(await startFakeOpenAiServer(), { tags: [...models] });
  const tag = (name: string) => ({ name, model: name, modified_at: '2026-01-01T00:00:00Z', size: 1, digest: 'sha256:0', details: { format: 'gguf', family: 'qwen2' } });
  fake.route('GET', '/api/tags', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ models: fake.tags.map(tag) }));
  });
  return fake;
}
