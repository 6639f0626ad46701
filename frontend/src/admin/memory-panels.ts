// Memory and relationships panels for the admin page: search, import/export, consolidate/prune,
// and the viewer list with forget and CSV. Registered as feature panels; the DOM is built once and
// re-attached on each status refresh so typing is not lost.
import { t } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';
import { registerFeaturePanel } from './feature-panels.ts';

interface MemoryHit {
  id: string;
  text: string;
  metadata: { kind: string; user_id: string; importance: number };
  score?: number;
}
interface ViewerRow {
  user: { id: string; display_name: string };
  relationship: { affinity: number; trust: number; loyalty: number; messages: number; last_seen: number };
}

async function send(token: string, method: string, path: string, body?: BodyInit, contentType?: string): Promise<Response> {
  const res = await fetch(path, { method, headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) }, ...(body !== undefined ? { body } : {}) });
  if (!res.ok) {
    const err = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(err.error?.message ?? `HTTP ${res.status}`);
  }
  return res;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

async function download(token: string, path: string, filename: string): Promise<void> {
  const blob = await (await send(token, 'GET', path)).blob();
  const a = el('a', { href: URL.createObjectURL(blob), download: filename });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function figures(entry: StatusEntry): string {
  const i = entry.info ?? {};
  const c = i.collections as { long?: number; session?: number } | null | undefined;
  const q = i.query_ms as { p50_ms?: number | null } | undefined;
  const known = new Set(['collections', 'query_ms', 'outbox_pending', 'embedder', 'chroma', 'upsert_ms', 'recall_cache', 'embed_ms_p50', 'import_stored']);
  // A long import's progress, `stored/total` (memory-stage.ts).
  const [stored, total] = typeof i.import_stored === 'string' ? i.import_stored.split('/') : [];
  const importing = stored !== undefined && total !== undefined ? t('mem.importing', { stored, total }) : '';
  const other = Object.entries(i)
    .filter(([k, v]) => !known.has(k) && (typeof v === 'number' || typeof v === 'string'))
    .map(([k, v]) => `${k} ${String(v)}`);
  return [importing, c ? `long ${c.long ?? 0} · session ${c.session ?? 0}` : '', i.outbox_pending !== undefined ? `outbox ${String(i.outbox_pending)}` : '', q?.p50_ms != null ? `query p50 ${q.p50_ms} ms` : '', typeof i.embedder === 'string' ? i.embedder : '', ...other].filter(Boolean).join(' · ');
}

let tokenRef = '';
let memoryRoot: HTMLElement | undefined;
let memoryFigures: HTMLElement | undefined;

function buildMemory(): HTMLElement {
  const out = el('p', { className: 'feature-result' });
  const list = el('ol', { className: 'memory-hits' });
  const q = el('input', { type: 'search', placeholder: t('mem.query') });
  const user = el('input', { type: 'text', placeholder: t('mem.user') });
  const report = (p: Promise<string>): void => {
    p.then((msg) => (out.textContent = msg)).catch((err: unknown) => (out.textContent = t('mem.failed', { msg: (err as Error).message })));
  };
  const search = async (): Promise<string> => {
    const params = new URLSearchParams({ q: q.value, k: '20', ...(user.value.trim() ? { user: user.value.trim() } : {}) });
    const body = (await (await send(tokenRef, 'GET', `/admin/memory/search?${params}`)).json()) as { items: MemoryHit[] };
    list.replaceChildren(
      ...body.items.map((m) => {
        const del = el('button', { type: 'button', textContent: t('mem.delete') });
        del.addEventListener('click', () => report(send(tokenRef, 'DELETE', `/admin/memory/${encodeURIComponent(m.id)}`).then(search)));
        return el('li', {}, `[${m.metadata.kind}${m.metadata.user_id ? ` · ${m.metadata.user_id}` : ''}] ${m.text} `, del);
      }),
    );
    return t('mem.result', { n: String(body.items.length) });
  };
  const form = el('form', {}, q, user, el('button', { type: 'submit', textContent: t('mem.search') }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    report(search());
  });
  const file = el('input', { type: 'file', accept: '.json,.yaml,.yml' });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (!f) return;
    const type = /\.ya?ml$/i.test(f.name) ? 'application/yaml' : 'application/json';
    report(f.text().then((text) => send(tokenRef, 'POST', '/admin/memory/import', text, type)).then(async (r) => t('mem.result', { n: String(((await r.json()) as { imported: number }).imported) })));
    file.value = '';
  });
  const button = (label: string, fn: () => Promise<string>): HTMLButtonElement => {
    const b = el('button', { type: 'button', textContent: label });
    b.addEventListener('click', () => report(fn()));
    return b;
  };
  const actions = el(
    'div',
    { className: 'feature-actions' },
    button(t('mem.export'), () => download(tokenRef, '/admin/memory/export?format=yaml', 'memory-export.yaml').then(() => '')),
    el('label', {}, t('mem.import'), ' ', file),
    button(t('mem.consolidate'), async () => JSON.stringify(await (await send(tokenRef, 'POST', '/admin/memory/consolidate')).json())),
    button(t('mem.prune'), async () => JSON.stringify(await (await send(tokenRef, 'POST', '/admin/memory/prune', '{}', 'application/json')).json())),
  );
  memoryFigures = el('p', { className: 'feature-figures' });
  return el('div', { className: 'memory-panel' }, memoryFigures, form, actions, out, list);
}

let relRoot: HTMLElement | undefined;

function buildRelationships(): HTMLElement {
  const out = el('p', { className: 'feature-result' });
  const table = el('table', { className: 'viewers' });
  const report = (p: Promise<string>): void => {
    p.then((msg) => (out.textContent = msg)).catch((err: unknown) => (out.textContent = t('mem.failed', { msg: (err as Error).message })));
  };
  const load = async (): Promise<string> => {
    const body = (await (await send(tokenRef, 'GET', '/admin/relationships?limit=50')).json()) as { viewers: ViewerRow[] };
    table.replaceChildren(
      el('tr', {}, ...['viewer', 'affinity', 'trust', 'loyalty', 'messages', ''].map((h) => el('th', { textContent: h }))),
      ...body.viewers.map((v) => {
        const forget = el('button', { type: 'button', textContent: t('rel.forget') });
        forget.addEventListener('click', () => {
          if (!window.confirm(t('rel.confirm_forget', { name: v.user.display_name }))) return;
          report(send(tokenRef, 'DELETE', `/admin/relationships/${encodeURIComponent(v.user.id)}`).then(load));
        });
        const r = v.relationship;
        return el('tr', {}, el('td', { textContent: `${v.user.display_name} (${v.user.id})` }), ...[r.affinity, r.trust, r.loyalty, r.messages].map((n) => el('td', { textContent: String(Math.round(n)) })), el('td', {}, forget));
      }),
    );
    return t('mem.result', { n: String(body.viewers.length) });
  };
  const refresh = el('button', { type: 'button', textContent: t('rel.refresh') });
  refresh.addEventListener('click', () => report(load()));
  const exp = el('button', { type: 'button', textContent: t('rel.export') });
  exp.addEventListener('click', () => report(download(tokenRef, '/admin/relationships/export.csv', 'relationships.csv').then(() => '')));
  const file = el('input', { type: 'file', accept: '.csv' });
  file.addEventListener('change', () => {
    const f = file.files?.[0];
    if (!f) return;
    report(f.text().then((text) => send(tokenRef, 'POST', '/admin/relationships/import.csv', text, 'text/csv')).then(load));
    file.value = '';
  });
  report(load());
  return el('div', { className: 'relationships-panel' }, el('div', { className: 'feature-actions' }, refresh, exp, el('label', {}, t('rel.import'), ' ', file)), out, table);
}

registerFeaturePanel({
  id: 'memory',
  title: 'panel.memory',
  statusNames: ['memory'],
  render(container, entry, token) {
    tokenRef = token;
    memoryRoot ??= buildMemory();
    if (memoryFigures) memoryFigures.textContent = `${entry.detail ?? ''} ${figures(entry)}`.trim();
    container.replaceChildren(memoryRoot);
  },
});

registerFeaturePanel({
  id: 'relationships',
  title: 'panel.relationships',
  statusNames: ['relationships'],
  render(container, _entry, token) {
    tokenRef = token;
    relRoot ??= buildRelationships();
    container.replaceChildren(relRoot);
  },
});
