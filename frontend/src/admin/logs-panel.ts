import { t } from '../shared/i18n.ts';
import { adminFetch, adminJson } from './admin-api.ts';

type LogLine = Record<string, unknown>;

/** Server logs through GET /admin/logs: filter by minimum level, component and request_id; export JSONL. */
export class LogsPanel {
  private readonly level: HTMLSelectElement;
  private readonly component: HTMLInputElement;
  private readonly requestId: HTMLInputElement;
  private readonly list: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly token: () => string,
  ) {
    this.level = root.querySelector('#log-level') as HTMLSelectElement;
    this.component = root.querySelector('#log-component') as HTMLInputElement;
    this.requestId = root.querySelector('#log-request-id') as HTMLInputElement;
    this.list = root.querySelector('#log-lines') as HTMLElement;
    root.querySelector('#log-refresh')?.addEventListener('click', () => void this.refresh());
    root.querySelector('#log-export')?.addEventListener('click', () => void this.exportJsonl());
    root.querySelector('#log-filters')?.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.refresh();
    });
  }

  private query(format: 'json' | 'jsonl'): string {
    const q = new URLSearchParams({ limit: '300', format });
    if (this.level.value) q.set('level', this.level.value);
    if (this.component.value.trim()) q.set('component', this.component.value.trim());
    if (this.requestId.value.trim()) q.set('request_id', this.requestId.value.trim());
    return `/admin/logs?${q.toString()}`;
  }

  async refresh(): Promise<void> {
    const body = await adminJson<{ lines: LogLine[] }>(this.query('json'), this.token());
    if (body.lines.length === 0) {
      const p = document.createElement('p');
      p.textContent = t('admin.no_logs');
      this.list.replaceChildren(p);
      return;
    }
    this.list.replaceChildren(
      ...body.lines
        .slice()
        .reverse()
        .map((l) => {
          const row = document.createElement('div');
          row.className = `log-line log-${String(l.level)}`;
          const { ts, level, component, event, msg, request_id: rid, ...rest } = l;
          row.textContent = `${String(ts ?? '').slice(11, 23)} ${String(level).toUpperCase().padEnd(5)} ${String(component ?? '-')} ${String(event ?? '')} ${String(msg ?? '')}${rid ? ` [${String(rid)}]` : ''}`;
          row.title = JSON.stringify(rest);
          return row;
        }),
    );
  }

  private async exportJsonl(): Promise<void> {
    const res = await adminFetch(this.query('jsonl'), this.token());
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `vtuber-logs-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    a.click();
    window.setTimeout(() => URL.revokeObjectURL(url), 5000);
  }
}
