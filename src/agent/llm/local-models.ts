import type { Logger } from 'pino';
import { stringify } from 'yaml';
import { OpenAiCompatibleProvider } from './openai-compatible.ts';
import { probeLocalServers, type DiscoverySettings, type FoundServer } from './local-servers.ts';
import type { ChainEntry, ProviderChain } from './provider-chain.ts';

export type LocalServerKind = FoundServer['server'];

/** What the admin panel's "Found on this computer" list shows. */
export interface LocalModelsView {
  enabled: boolean;
  /** The URLs probed. */
  probed: Record<LocalServerKind, string>;
  /** Epoch ms of the last probe; null before the first one ended. */
  probed_at: number | null;
  servers: Array<{
    server: LocalServerKind;
    base_url: string;
    models: Array<{
      name: string;
      /** The chain's provider for this server runs this model. */
      in_use: boolean;
      /** It answered the last reply. */
      active: boolean;
    }>;
  }>;
}

export type UseModelResult =
  | { ok: true; server: LocalServerKind; model: string; base_url: string; provider: string; until_restart: true; conf_yaml: string }
  | { ok: false; field: 'server' | 'model'; message: string; models: string[] };

/**
 * The local servers (Ollama, LM Studio) last found and the model the chain uses on each. It is the
 * chain's discovery hook: each probe's result is kept for the admin panel, and a server joins the
 * chain once, on its first chat model, until `use()` puts another of its models in its place.
 */
export class LocalModels {
  private found: FoundServer[] = [];
  private probedAt: number | undefined;
  /** The probe under way, if any (the list waits for it rather than show a half-known state). */
  private probing: Promise<FoundServer[]> | undefined;
  /** The chain's provider for each found server. */
  private readonly inChain = new Map<LocalServerKind, { id: string; model: string }>();
  private chain: ProviderChain | undefined;

  constructor(
    private readonly settings: DiscoverySettings,
    private readonly log: Logger,
  ) {}

  /** The chain whose discovered providers `use()` replaces. */
  attach(chain: ProviderChain): void {
    this.chain = chain;
  }

  /** Probes; returns a provider for each found server the chain has none for yet. */
  async discover(): Promise<ChainEntry[]> {
    const probe = probeLocalServers(this.settings, this.log);
    this.probing = probe;
    try {
      this.found = await probe;
    } finally {
      if (this.probing === probe) this.probing = undefined;
    }
    this.probedAt = Date.now();
    return this.found.flatMap((f) => {
      const model = f.models[0];
      if (this.inChain.has(f.server) || !model) return [];
      const entry = this.entry(f, model);
      this.inChain.set(f.server, { id: entry.provider.id, model });
      return [entry];
    });
  }

  /** Probes again (a server found now joins the chain) and returns the new view. */
  async refresh(): Promise<LocalModelsView> {
    if (this.chain) await this.chain.discoverMore();
    else await this.discover();
    return this.view();
  }

  /** The view once the probe under way (the one at start, say) has ended. */
  async settledView(): Promise<LocalModelsView> {
    await this.probing?.catch(() => undefined);
    return this.view();
  }

  view(): LocalModelsView {
    const active = this.chain?.snapshot().active;
    return {
      enabled: this.settings.enabled,
      probed: { ollama: this.settings.ollama_url, lmstudio: this.settings.lmstudio_url },
      probed_at: this.probedAt ?? null,
      servers: this.found.map((f) => {
        const current = this.inChain.get(f.server);
        return {
          server: f.server,
          base_url: f.baseUrl,
          models: f.models.map((name) => ({ name, in_use: current?.model === name, active: current?.model === name && active === current.id })),
        };
      }),
    };
  }

  /** Makes the chain's provider for `server` run `model` from the next turn on, until restart. */
  use(server: LocalServerKind, model: string): UseModelResult {
    const f = this.found.find((s) => s.server === server);
    if (!f) {
      const found = this.found.map((s) => s.server);
      return { ok: false, field: 'server', message: `${server} was not found at ${this.settings[server === 'ollama' ? 'ollama_url' : 'lmstudio_url']} (found: ${found.join(', ') || 'none'})`, models: [] };
    }
    if (!f.models.includes(model)) return { ok: false, field: 'model', message: `${server} at ${f.baseUrl} has no chat model "${model}"; it has: ${f.models.join(', ')}`, models: [...f.models] };
    const current = this.inChain.get(server);
    const id = providerId(f, model);
    if (current?.model !== model) {
      const entry = this.entry(f, model);
      const swapped = current && this.chain ? this.chain.replace(current.id, entry) : false;
      if (!swapped) this.chain?.add([entry]);
      this.inChain.set(server, { id, model });
      this.log.info({ event: 'llm.local_model_selected', server, base_url: f.baseUrl, model, replaced: current?.model ?? null }, 'local model selected until restart');
    }
    return { ok: true, server, model, base_url: f.baseUrl, provider: id, until_restart: true, conf_yaml: confYaml(f.baseUrl, model) };
  }

  private entry(f: FoundServer, model: string): ChainEntry {
    const id = providerId(f, model);
    const provider = new OpenAiCompatibleProvider({
      id,
      baseUrl: f.baseUrl,
      model,
      connectTimeoutMs: 3000,
      firstTokenTimeoutMs: 20000,
      idleTimeoutMs: 15000,
      supportsTools: false,
      startInThink: false,
      headers: {},
      extraBody: {},
      log: this.log.child({ provider: id }),
    });
    return { provider };
  }
}

const providerId = (f: FoundServer, model: string): string => `${f.server}:${model}`;

/** The conf.yaml lines that keep this model after a restart (a `character.llm.providers` entry). */
export function confYaml(baseUrl: string, model: string): string {
  return stringify({ character: { llm: { providers: [{ type: 'openai', base_url: baseUrl, model, supports_tools: false }] } } });
}
