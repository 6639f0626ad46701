// The OBS feature panel: connection state and versions, and buttons for exactly what
// plugins.obs.allow permits (scenes, sources, filters). Every button calls /api/obs/* with the token.
import { t } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';
import { registerFeaturePanel } from './feature-panels.ts';

interface ObsAllow {
  scenes: string[];
  sources: Array<{ scene: string; source: string }>;
  filters: Array<{ source: string; filter: string }>;
}

async function obsCall(path: string, token: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`/api/obs${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new Error(data.error?.message ?? `HTTP ${res.status}`);
  return data;
}

function button(label: string, action: string, onClick: () => Promise<unknown>, errorEl: HTMLElement): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.obsAction = action;
  b.addEventListener('click', () => {
    b.disabled = true;
    errorEl.textContent = '';
    onClick()
      .catch((err: unknown) => (errorEl.textContent = t('obs.action_failed', { m: err instanceof Error ? err.message : String(err) })))
      .finally(() => (b.disabled = false));
  });
  return b;
}

function group(title: string, buttons: HTMLElement[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'obs-group';
  const h = document.createElement('h3');
  h.textContent = title;
  div.append(h, ...buttons);
  return div;
}

function renderObs(el: HTMLElement, entry: StatusEntry, token: string): void {
  const info = entry.info ?? {};
  const lines = document.createElement('p');
  lines.textContent = [
    entry.detail ?? '',
    typeof info.obsVersion === 'string' ? t('obs.versions', { o: info.obsVersion, w: String(info.obsWebSocketVersion) }) : '',
    typeof info.currentScene === 'string' ? t('obs.current', { s: info.currentScene }) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const controls = document.createElement('div');
  const errorEl = document.createElement('p');
  errorEl.className = 'error';
  el.replaceChildren(lines, controls, errorEl);
  if (entry.state !== 'live' && entry.state !== 'degraded') return;
  void obsCall('/status', token)
    .then((s) => {
      const allow = (s as { allow?: ObsAllow }).allow;
      if (!allow || allow.scenes.length + allow.sources.length + allow.filters.length === 0) {
        controls.textContent = t('obs.nothing_allowed');
        return;
      }
      const groups: HTMLElement[] = [];
      if (allow.scenes.length > 0) groups.push(group(t('obs.scenes'), allow.scenes.map((name) => button(name, `scene:${name}`, () => obsCall('/scene', token, { name }), errorEl))));
      if (allow.sources.length > 0) {
        groups.push(
          group(
            t('obs.sources'),
            allow.sources.flatMap(({ scene, source }) => [
              button(`${source} ${t('obs.show')}`, `source:${scene}/${source}:show`, () => obsCall('/source', token, { scene, source, visible: true }), errorEl),
              button(`${source} ${t('obs.hide')}`, `source:${scene}/${source}:hide`, () => obsCall('/source', token, { scene, source, visible: false }), errorEl),
            ]),
          ),
        );
      }
      if (allow.filters.length > 0) {
        groups.push(
          group(
            t('obs.filters'),
            allow.filters.flatMap(({ source, filter }) => [
              button(`${source}/${filter} ${t('obs.on')}`, `filter:${source}/${filter}:on`, () => obsCall('/filter', token, { source, filter, enabled: true }), errorEl),
              button(`${source}/${filter} ${t('obs.off')}`, `filter:${source}/${filter}:off`, () => obsCall('/filter', token, { source, filter, enabled: false }), errorEl),
            ]),
          ),
        );
      }
      controls.replaceChildren(...groups);
    })
    .catch((err: unknown) => (errorEl.textContent = t('obs.action_failed', { m: err instanceof Error ? err.message : String(err) })));
}

registerFeaturePanel({ id: 'obs', title: 'panel.obs', statusNames: ['obs'], render: renderObs });
