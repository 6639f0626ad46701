// The "Get a model" card: the pull command per profile, a Download button that starts the same pull
// in the daemon, and its progress streamed over Server-Sent Events (read with fetch, which can send
// the admin token; EventSource cannot).
import { t } from '../shared/i18n.ts';
import { createLogger } from '../shared/logger.ts';
import type { FileProgress, PullJobSnapshot } from '../../../src/models/pull-jobs.ts';
import { adminFetch, adminJson, adminSend } from './admin-api.ts';

const log = createLogger('models-card');

interface ModelView {
  name: string;
  installed: boolean;
}
interface ProfileView {
  id: string;
  description: string;
  command: string;
  bytes: number;
  installed: boolean;
  models: ModelView[];
}
/** The daemon's pull job as the routes send it (its target and times are not shown). */
type Job = Pick<PullJobSnapshot, 'id' | 'state' | 'files' | 'error'>;

const size = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} KB`);
const clock = (s: number): string => `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}`;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ModelsCard {
  private profiles: ProfileView[] = [];
  private job: Job | undefined;
  private stream: AbortController | undefined;
  private retry: number | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly token: () => string,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.listen();
  }

  stop(): void {
    this.stream?.abort();
    this.stream = undefined;
    if (this.retry !== undefined) window.clearTimeout(this.retry);
  }

  async refresh(): Promise<void> {
    const body = await adminJson<{ profiles: ProfileView[]; job: Job | null }>('/admin/models', this.token());
    this.profiles = body.profiles;
    this.job = body.job ?? undefined;
    this.render();
  }

  /** Re-renders in the current language. */
  render(): void {
    const running = this.job?.state === 'running';
    const list = el('div', 'profiles');
    for (const p of this.profiles) {
      const row = el('div', 'profile');
      row.dataset.profile = p.id;
      const head = el('p');
      head.append(el('strong', undefined, p.id), ` ${p.description} · ${p.bytes > 0 ? `${t('models.size', { size: size(p.bytes) })} · ` : ''}`, el('span', p.installed ? 'ok' : 'missing', t(p.installed ? 'models.installed' : 'models.not_installed')));
      const cmd = el('code', 'command', p.command);
      const button = el('button', undefined, t('models.download'));
      button.type = 'button';
      button.dataset.profile = p.id;
      button.disabled = running;
      button.addEventListener('click', () => void this.pull(p.id));
      const line = el('div', 'row');
      line.append(cmd, button);
      row.append(head, line);
      list.append(row);
    }
    const progress = el('div', 'pull-progress');
    progress.setAttribute('aria-live', 'polite');
    if (this.job) {
      for (const f of this.job.files) progress.append(this.fileRow(f));
      const outcome = this.job.state === 'running' ? undefined : this.job.state === 'done' ? t('models.done') : this.job.state === 'cancelled' ? t('models.cancelled') : t('models.failed', { error: this.job.error ?? '' });
      if (running) {
        const cancel = el('button', undefined, t('models.cancel'));
        cancel.type = 'button';
        cancel.className = 'cancel';
        cancel.addEventListener('click', () => void adminFetch('/admin/models/pull', this.token(), { method: 'DELETE' }).catch(() => undefined));
        progress.append(cancel);
      }
      if (outcome) progress.append(el('p', `outcome outcome-${this.job.state}${this.job.state === 'failed' ? ' error' : ''}`, outcome));
    }
    const title = el('h2', undefined, t('models.title'));
    this.root.replaceChildren(title, el('p', 'hint', t('models.intro')), list, progress);
  }

  private fileRow(f: FileProgress): HTMLElement {
    const row = el('div', `file file-${f.state}`);
    row.dataset.model = f.model;
    row.dataset.file = f.file;
    row.dataset.state = f.state;
    const bar = el('progress');
    bar.max = f.total ?? 1;
    bar.value = f.state === 'done' ? bar.max : f.received;
    let text: string;
    if (f.state === 'waiting') text = t('models.waiting');
    else if (f.state === 'checking') text = t('models.checking');
    else if (f.state === 'done') text = `${t('models.file_done')}${f.total ? ` · ${size(f.total)}` : ''}`;
    else if (f.state === 'failed') text = f.error ?? '';
    else text = t('models.progress', { got: size(f.received), total: f.total ? size(f.total) : '?', rate: size(f.rate_bps), eta: f.eta_s === null ? '--' : clock(f.eta_s) });
    row.append(el('span', 'name', `${f.model}${f.file ? ` / ${f.file}` : ''}`), bar, el('span', `figures${f.state === 'failed' ? ' error' : ''}`, text));
    return row;
  }

  private async pull(profile: string): Promise<void> {
    try {
      const res = await adminSend<{ job?: Job; error?: { message: string } }>('POST', '/admin/models/pull', this.token(), { profile });
      const body = res.body;
      if (res.status === 409) this.job = { id: 0, state: 'failed', files: this.job?.files ?? [], error: t('models.busy') };
      else if (!res.ok || !body.job) this.job = { id: 0, state: 'failed', files: [], error: body.error?.message ?? `HTTP ${res.status}` };
      else this.job = body.job;
    } catch (err) {
      log.warn('models.pull_request_failed', { error: String(err) });
    }
    this.render();
  }

  /** Keeps one event stream open while signed in; reconnects after a drop. */
  private listen(): void {
    const ac = new AbortController();
    this.stream = ac;
    void this.read(ac.signal).catch((err: unknown) => {
      if (ac.signal.aborted) return;
      log.warn('models.stream_dropped', { error: String(err) });
      this.retry = window.setTimeout(() => this.listen(), 3000);
    });
  }

  private async read(signal: AbortSignal): Promise<void> {
    const res = await fetch('/admin/models/pull/events', { headers: { authorization: `Bearer ${this.token()}` }, signal });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) this.onEvent(event, JSON.parse(data) as unknown);
      }
    }
  }

  private onEvent(event: string, data: unknown): void {
    if (event === 'snapshot') {
      const job = (data as { job: Job | null }).job;
      if (job) this.job = job;
    } else if (event === 'progress') {
      const { job, file } = data as { job: number; file: FileProgress };
      if (!this.job || this.job.id !== job) this.job = { id: job, state: 'running', files: [] };
      const i = this.job.files.findIndex((f) => f.model === file.model && (f.file === file.file || f.file === ''));
      if (i >= 0) this.job.files[i] = file;
      else this.job.files.push(file);
    } else if (event === 'end') {
      this.job = data as Job;
      void this.refresh().catch(() => undefined);
      return;
    }
    this.render();
  }
}
