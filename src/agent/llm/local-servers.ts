import type { Logger } from 'pino';

/** A local LLM server that answered a probe, with the chat models it lists. */
export interface FoundServer {
  server: 'ollama' | 'lmstudio';
  /** OpenAI-compatible base URL, up to and including /v1. */
  baseUrl: string;
  models: string[];
}

export interface DiscoverySettings {
  enabled: boolean;
  ollama_url: string;
  lmstudio_url: string;
  timeout_ms: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Embedding models are listed next to chat models by both servers; they cannot chat. */
const isChatModel = (name: string): boolean => !/embed|bge-|e5-|minilm/i.test(name);

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/** Ollama's GET /api/tags: `{ models: [{ name, model, ... }] }` (docs: ollama/docs/api.md, "List Local Models"). */
export function ollamaModels(body: unknown): string[] {
  if (!isRecord(body) || !Array.isArray(body.models)) return [];
  return body.models.flatMap((m) => (isRecord(m) ? [typeof m.model === 'string' ? m.model : typeof m.name === 'string' ? m.name : ''] : [])).filter((n) => n && isChatModel(n));
}

/** OpenAI's GET /v1/models (LM Studio): `{ object: 'list', data: [{ id, ... }] }`. */
export function openAiModels(body: unknown): string[] {
  if (!isRecord(body) || !Array.isArray(body.data)) return [];
  return body.data.flatMap((m) => (isRecord(m) && typeof m.id === 'string' ? [m.id] : [])).filter(isChatModel);
}

const trim = (url: string): string => url.replace(/\/+$/, '');

/** Probes Ollama and LM Studio in parallel; servers that do not answer (or list no chat model) are left out. */
export async function probeLocalServers(s: DiscoverySettings, log?: Logger): Promise<FoundServer[]> {
  if (!s.enabled) return [];
  const probes: Array<Promise<FoundServer | undefined>> = [
    getJson(`${trim(s.ollama_url)}/api/tags`, s.timeout_ms).then((b) => ({ server: 'ollama' as const, baseUrl: `${trim(s.ollama_url)}/v1`, models: ollamaModels(b) })),
    getJson(`${trim(s.lmstudio_url)}/v1/models`, s.timeout_ms).then((b) => ({ server: 'lmstudio' as const, baseUrl: `${trim(s.lmstudio_url)}/v1`, models: openAiModels(b) })),
  ].map((p) => p.catch(() => undefined));
  const found = (await Promise.all(probes)).filter((f): f is FoundServer => f !== undefined && f.models.length > 0);
  for (const f of found) log?.info({ event: 'llm.local_server_found', server: f.server, base_url: f.baseUrl, models: f.models.slice(0, 20) }, 'local LLM server found');
  if (found.length === 0) log?.debug({ event: 'llm.local_server_none', ollama: s.ollama_url, lmstudio: s.lmstudio_url }, 'no local LLM server answered');
  return found;
}
