import { t, type MessageKey } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';
import type { AdminStatus } from './admin-types.ts';

const cell = (text: string, cls?: string): HTMLTableCellElement => {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
};

/** The stages/plugins/services table, plus uptime, clients and queue figures. */
export function renderStatusPanel(el: HTMLElement, s: AdminStatus): void {
  const entries: StatusEntry[] = [...Object.values(s.stages), ...Object.values(s.plugins), ...Object.values(s.services ?? {})];
  const summary = document.createElement('p');
  summary.className = 'summary';
  summary.textContent = [t('version', { v: s.version }), t('admin.uptime', { s: s.uptime_s }), t('admin.clients', { n: s.clients.length }), t('admin.queue', { n: s.queue.size, c: s.queue.capacity })].join(' · ');
  if (entries.length === 0) {
    const p = document.createElement('p');
    p.textContent = t('admin.no_components');
    el.replaceChildren(summary, p);
    return;
  }
  const table = document.createElement('table');
  table.className = 'status-table';
  for (const e of entries) {
    const tr = document.createElement('tr');
    tr.dataset.name = e.name;
    tr.dataset.state = e.state;
    tr.append(cell(e.kind), cell(e.name), cell(t(`state.${e.state}` as MessageKey), `state state-${e.state}`), cell(e.detail ?? ''));
    table.append(tr);
  }
  el.replaceChildren(summary, table);
}
