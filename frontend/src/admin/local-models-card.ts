// The "Found on this computer" card: the local LLM servers (Ollama, LM Studio) the daemon found, their
// chat models with the one in use marked, a Use button per model (until restart, with the conf.yaml
// lines that keep it) and a "Look again" button that probes anew.
import type { LocalModelsView } from '../../../src/agent/llm/local-models.ts';
import { t } from '../shared/i18n.ts';
import { createLogger } from '../shared/logger.ts';
import { adminJson, adminSend } from './admin-api.ts';

const log = createLogger('local-models-card');
const SERVER_NAMES: Record<string, string> = { ollama: 'Ollama', lmstudio: 'LM Studio' };

interface Chosen {
  model: string;
  conf_yaml: string;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class LocalModelsCard {
  private view: LocalModelsView | undefined;
  private looking = false;
  private chosen: Chosen | undefined;
  private error: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly token: () => string,
  ) {}

  /** Loads the last discovery; the card stays hidden while the agent has none. */
  async refresh(): Promise<void> {
    const body = await adminJson<LocalModelsView | { available: false }>('/admin/llm/local', this.token());
    if (!('servers' in body)) {
      this.root.hidden = true;
      return;
    }
    this.view = body;
    this.root.hidden = false;
    this.render();
  }

  /** Hides the card (no agent stage to ask). */
  hide(): void {
    this.root.hidden = true;
  }

  /** Re-renders in the current language. */
  render(): void {
    const look = el('button', 'look-again', t(this.looking ? 'local.looking' : 'local.look_again'));
    look.type = 'button';
    look.disabled = this.looking;
    look.addEventListener('click', () => void this.lookAgain());
    const head = el('div', 'row');
    head.append(el('h2', undefined, t('local.title')), look);
    const parts: HTMLElement[] = [head, el('p', 'hint', t('local.intro'))];
    const v = this.view;
    if (v && !v.enabled) parts.push(el('p', 'none', t('local.disabled')));
    else if (v && v.servers.length === 0 && v.probed_at !== null) {
      parts.push(el('p', 'none', t('local.none', { ollama: v.probed.ollama, lmstudio: v.probed.lmstudio })), el('p', 'hint how-to-start', t('local.how_to_start')));
    }
    for (const s of v?.servers ?? []) parts.push(this.serverBlock(s));
    if (this.chosen) {
      parts.push(el('p', 'chosen ok', t('local.chosen', { model: this.chosen.model })), el('pre', 'conf-yaml', this.chosen.conf_yaml));
    }
    if (this.error) parts.push(el('p', 'error', t('local.failed', { error: this.error })));
    this.root.replaceChildren(...parts);
  }

  private serverBlock(s: LocalModelsView['servers'][number]): HTMLElement {
    const block = el('div', 'local-server');
    block.dataset.server = s.server;
    const title = el('p');
    title.append(el('strong', undefined, SERVER_NAMES[s.server] ?? s.server), ' ', el('code', 'url', s.base_url));
    const list = el('ul', 'local-models');
    for (const m of s.models) {
      const item = el('li', 'local-model row');
      item.dataset.model = m.name;
      item.dataset.inUse = String(m.in_use);
      item.append(el('span', 'name', m.name));
      if (m.in_use) item.append(el('span', 'ok in-use', t('local.in_use')));
      if (m.active) item.append(el('span', 'hint active', t('local.answered_last')));
      const use = el('button', 'use', t('local.use'));
      use.type = 'button';
      use.dataset.server = s.server;
      use.dataset.model = m.name;
      use.disabled = m.in_use;
      use.addEventListener('click', () => void this.use(s.server, m.name));
      item.append(use);
      list.append(item);
    }
    block.append(title, list);
    return block;
  }

  private async lookAgain(): Promise<void> {
    this.looking = true;
    this.render();
    try {
      const res = await adminSend<LocalModelsView & { error?: { message: string } }>('POST', '/admin/llm/local/probe', this.token());
      if (res.ok) this.view = res.body;
      this.error = res.ok ? undefined : (res.body.error?.message ?? `HTTP ${res.status}`);
    } catch (err) {
      log.warn('local_models.probe_failed', { error: String(err) });
      this.error = String(err);
    }
    this.looking = false;
    this.render();
  }

  private async use(server: string, model: string): Promise<void> {
    try {
      const res = await adminSend<Chosen & { error?: { message: string } }>('POST', '/admin/llm/local-model', this.token(), { server, model });
      if (res.ok) {
        this.chosen = { model: res.body.model, conf_yaml: res.body.conf_yaml };
        this.error = undefined;
        await this.refresh();
        return;
      }
      this.error = res.body.error?.message ?? `HTTP ${res.status}`;
    } catch (err) {
      log.warn('local_models.use_failed', { error: String(err) });
      this.error = String(err);
    }
    this.render();
  }
}
