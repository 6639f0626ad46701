// The VTube Studio feature panel: connection state (including "click Allow in VTube Studio"), lip-sync and
// action figures, a Reconnect button (asks again after "Deny"), and the loaded model's hotkeys and
// expressions next to the configured emotion/motion map, so the streamer can fill that map in.
import { t } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';
import { registerFeaturePanel } from './feature-panels.ts';

interface ModelInfo {
  modelLoaded: boolean;
  modelName: string;
  hotkeys: Array<{ name: string; id: string; type: string; file: string }>;
  expressions: Array<{ name: string; file: string; active: boolean }>;
  mapping: Array<{ kind: string; tag: string; hotkey?: string; expression?: string; found: boolean }>;
}

/** The last model listing, kept so the periodic status re-render does not wipe it. */
let lastModel: ModelInfo | undefined;

async function vtsCall(path: string, token: string, method: 'GET' | 'POST' = 'GET'): Promise<unknown> {
  const res = await fetch(`/api/vtube-studio${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const data = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new Error(data.error?.message ?? `HTTP ${res.status}`);
  return data;
}

function tableRow(cells: string[], tag: 'th' | 'td'): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const text of cells) {
    const cell = document.createElement(tag);
    cell.textContent = text;
    tr.append(cell);
  }
  return tr;
}

function table(head: string[], rows: string[][], attr: string): HTMLTableElement {
  const tbl = document.createElement('table');
  tbl.dataset.vts = attr;
  tbl.append(tableRow(head, 'th'), ...rows.map((r) => tableRow(r, 'td')));
  return tbl;
}

function renderModel(el: HTMLElement, m: ModelInfo): void {
  const title = document.createElement('p');
  title.textContent = m.modelLoaded ? t('vts.model', { name: m.modelName }) : t('vts.no_model');
  el.replaceChildren(
    title,
    table([t('vts.hotkey'), 'id', t('vts.type')], m.hotkeys.map((h) => [h.name, h.id, h.type]), 'hotkeys'),
    table([t('vts.expression'), t('vts.file')], m.expressions.map((e) => [e.name, e.file]), 'expressions'),
    table([t('vts.tag'), t('vts.action'), t('vts.found')], m.mapping.map((r) => [`${r.kind}:${r.tag}`, r.hotkey ? `hotkey ${r.hotkey}` : `expression ${r.expression ?? ''}`, r.found ? '✓' : t('vts.missing')]), 'mapping'),
  );
}

function button(label: string, action: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.vtsAction = action;
  b.addEventListener('click', onClick);
  return b;
}

function renderVts(el: HTMLElement, entry: StatusEntry, token: string): void {
  const info = entry.info ?? {};
  const detail = document.createElement('p');
  detail.textContent = entry.detail ?? '';
  const figures = document.createElement('p');
  figures.textContent = t('vts.figures', {
    frames: Number(info.lipSyncFrames ?? 0),
    hotkeys: Number(info.hotkeys ?? 0),
    expressions: Number(info.expressions ?? 0),
    reconnects: Number(info.reconnects ?? 0),
  });
  const errorEl = document.createElement('p');
  errorEl.className = 'error';
  const modelEl = document.createElement('div');
  const fail = (err: unknown): void => {
    errorEl.textContent = t('vts.failed', { m: err instanceof Error ? err.message : String(err) });
  };
  const controls = document.createElement('div');
  controls.append(
    button(t('vts.reconnect'), 'reconnect', () => {
      errorEl.textContent = '';
      vtsCall('/reconnect', token, 'POST').catch(fail);
    }),
  );
  if (info.connection === 'connected') {
    controls.append(
      button(t('vts.show_model'), 'model', () => {
        errorEl.textContent = '';
        vtsCall('/model', token)
          .then((m) => {
            lastModel = m as ModelInfo;
            renderModel(modelEl, lastModel);
          })
          .catch(fail);
      }),
    );
  }
  if (lastModel && info.connection === 'connected') renderModel(modelEl, lastModel);
  el.replaceChildren(detail, figures, controls, errorEl, modelEl);
}

registerFeaturePanel({ id: 'vtube-studio', title: 'panel.vtube_studio', statusNames: ['vtube-studio'], render: renderVts });
