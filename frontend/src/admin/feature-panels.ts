import { t, type MessageKey } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';
import type { AdminStatus } from './admin-types.ts';

/**
 * Panels for features that other parts of the engine add (memory, relationships, Twitch, OBS).
 * Each shows "not installed" until a stage or plugin of that name reports status; then its state,
 * detail and figures. A feature that wants a richer panel registers its own `render`.
 */
export interface FeaturePanel {
  id: string;
  title: MessageKey;
  /** Status entry names (stage or plugin) that belong to this feature. */
  statusNames: readonly string[];
  render?(el: HTMLElement, entry: StatusEntry, token: string): void;
}

const panels: FeaturePanel[] = [
  { id: 'memory', title: 'panel.memory', statusNames: ['memory'] },
  { id: 'relationships', title: 'panel.relationships', statusNames: ['relationships'] },
  { id: 'twitch', title: 'panel.twitch', statusNames: ['twitch'] },
  { id: 'youtube', title: 'panel.youtube', statusNames: ['youtube'] },
  { id: 'obs', title: 'panel.obs', statusNames: ['obs'] },
  { id: 'vtube-studio', title: 'panel.vtube_studio', statusNames: ['vtube-studio'] },
  { id: 'donations', title: 'panel.donations', statusNames: ['donations'] },
];

export function registerFeaturePanel(panel: FeaturePanel): void {
  const i = panels.findIndex((p) => p.id === panel.id);
  if (i >= 0) panels[i] = panel;
  else panels.push(panel);
}

function defaultRender(el: HTMLElement, entry: StatusEntry): void {
  const p = document.createElement('p');
  p.textContent = entry.detail ?? '';
  const dl = document.createElement('dl');
  for (const [k, v] of Object.entries(entry.info ?? {}).slice(0, 20)) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = typeof v === 'object' ? JSON.stringify(v) : String(v);
    dl.append(dt, dd);
  }
  el.replaceChildren(p, dl);
}

export function renderFeaturePanels(container: HTMLElement, status: AdminStatus, token: string): void {
  const all = [...Object.values(status.stages), ...Object.values(status.plugins), ...Object.values(status.services ?? {})];
  container.replaceChildren(
    ...panels.map((panel) => {
      const section = document.createElement('section');
      section.className = 'panel feature';
      section.dataset.feature = panel.id;
      const h = document.createElement('h2');
      h.textContent = t(panel.title);
      const body = document.createElement('div');
      const entry = all.find((e) => panel.statusNames.includes(e.name));
      if (!entry) {
        section.classList.add('feature-absent');
        body.textContent = t('admin.not_installed');
      } else {
        section.dataset.state = entry.state;
        const badge = document.createElement('span');
        badge.className = `state state-${entry.state}`;
        badge.textContent = t(`state.${entry.state}` as MessageKey);
        h.append(' ', badge);
        (panel.render ?? defaultRender)(body, entry, token);
      }
      section.append(h, body);
      return section;
    }),
  );
}
