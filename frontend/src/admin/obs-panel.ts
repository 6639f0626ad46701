// The OBS feature panel: connection state and versions, a reconnect button, and controls for
// exactly what plugins.obs.allow permits. Every control calls /api/obs/* with the token.
import { t } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';
import { registerFeaturePanel } from './feature-panels.ts';
import { button, obsControlGroups, type ObsAllow } from './obs-controls.ts';

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

function renderObs(el: HTMLElement, entry: StatusEntry, token: string): void {
  // A status change (a scene switch...) re-renders the panel: keep what the streamer was typing.
  const typed = new Map(Array.from(el.querySelectorAll<HTMLInputElement>('input[data-obs-field]'), (i) => [i.dataset.obsField ?? '', i.value]));
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
  if (entry.state === 'disabled') {
    el.replaceChildren(lines);
    return;
  }
  const reconnect = button(t('obs.reconnect'), 'reconnect', () => obsCall('/reconnect', token, {}), errorEl);
  el.replaceChildren(lines, reconnect, controls, errorEl);
  if (entry.state !== 'live' && entry.state !== 'degraded') return;
  void obsCall('/status', token)
    .then((s) => {
      const allow = (s as { allow?: ObsAllow }).allow;
      const groups = allow ? obsControlGroups(allow, (path, body) => obsCall(path, token, body), errorEl) : [];
      if (groups.length === 0) controls.textContent = t('obs.nothing_allowed');
      else controls.replaceChildren(...groups);
      controls.querySelectorAll<HTMLInputElement>('input[data-obs-field]').forEach((input) => (input.value = typed.get(input.dataset.obsField ?? '') ?? ''));
    })
    .catch((err: unknown) => (errorEl.textContent = t('obs.action_failed', { m: err instanceof Error ? err.message : String(err) })));
}

registerFeaturePanel({ id: 'obs', title: 'panel.obs', statusNames: ['obs'], render: renderObs });
