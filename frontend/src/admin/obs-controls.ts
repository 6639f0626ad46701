// Controls for the OBS feature panel, one group per allow-list section. Every control calls
// /api/obs/* with the admin token; errors land in the panel's error line.
import { t } from '../shared/i18n.ts';

export interface ObsAllow {
  scenes: string[];
  sources: Array<{ scene: string; source: string }>;
  filters: Array<{ source: string; filter: string }>;
  text_sources?: string[];
  media?: string[];
  transitions?: string[];
  transforms?: Array<{ scene: string; source: string }>;
  recording?: boolean;
  streaming?: boolean;
}

export type ObsCall = (path: string, body?: unknown) => Promise<unknown>;

export function button(label: string, action: string, onClick: () => Promise<unknown>, errorEl: HTMLElement): HTMLButtonElement {
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

function group(title: string, children: HTMLElement[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'obs-group';
  const h = document.createElement('h3');
  h.textContent = title;
  div.append(h, ...children);
  return div;
}

function field(type: 'text' | 'number', name: string, placeholder: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const input = document.createElement('input');
  input.type = type;
  input.dataset.obsField = name;
  input.placeholder = placeholder;
  input.setAttribute('aria-label', placeholder);
  for (const [k, v] of Object.entries(attrs)) input.setAttribute(k, v);
  return input;
}

const num = (input: HTMLInputElement): number | undefined => (input.value.trim() === '' ? undefined : Number(input.value));

/** Every control group the allow-list permits, in the order the README lists the actions. */
export function obsControlGroups(allow: ObsAllow, call: ObsCall, errorEl: HTMLElement): HTMLElement[] {
  const groups: HTMLElement[] = [];
  const btn = (label: string, action: string, path: string, body: () => unknown): HTMLButtonElement => button(label, action, () => call(path, body()), errorEl);
  if (allow.scenes.length > 0) groups.push(group(t('obs.scenes'), allow.scenes.map((name) => btn(name, `scene:${name}`, '/scene', () => ({ name })))));
  if (allow.sources.length > 0) {
    groups.push(
      group(
        t('obs.sources'),
        allow.sources.flatMap(({ scene, source }) => [
          btn(`${source} ${t('obs.show')}`, `source:${scene}/${source}:show`, '/source', () => ({ scene, source, visible: true })),
          btn(`${source} ${t('obs.hide')}`, `source:${scene}/${source}:hide`, '/source', () => ({ scene, source, visible: false })),
        ]),
      ),
    );
  }
  if (allow.filters.length > 0) {
    groups.push(
      group(
        t('obs.filters'),
        allow.filters.flatMap(({ source, filter }) => [
          btn(`${source}/${filter} ${t('obs.on')}`, `filter:${source}/${filter}:on`, '/filter', () => ({ source, filter, enabled: true })),
          btn(`${source}/${filter} ${t('obs.off')}`, `filter:${source}/${filter}:off`, '/filter', () => ({ source, filter, enabled: false })),
        ]),
      ),
    );
  }
  for (const source of allow.text_sources ?? []) {
    const text = field('text', `text:${source}`, t('obs.text_placeholder'), { maxlength: '2000' });
    groups.push(group(`${t('obs.text')}: ${source}`, [text, btn(t('obs.set'), `text:${source}:set`, '/text', () => ({ source, text: text.value })), btn(t('obs.clear'), `text:${source}:clear`, '/text', () => ({ source, text: '' }))]));
  }
  if ((allow.media ?? []).length > 0) {
    groups.push(
      group(
        t('obs.media'),
        (allow.media ?? []).flatMap((source) => (['play', 'pause', 'stop', 'restart'] as const).map((action) => btn(`${source} ${t(`obs.media_${action}`)}`, `media:${source}:${action}`, '/media', () => ({ source, action })))),
      ),
    );
  }
  if ((allow.transitions ?? []).length > 0) {
    const duration = field('number', 'transition:duration', t('obs.duration_ms'), { min: '50', max: '20000', step: '50' });
    const buttons = (allow.transitions ?? []).map((name) => btn(name, `transition:${name}`, '/transition', () => ({ name, ...(num(duration) !== undefined ? { duration_ms: num(duration) } : {}) })));
    groups.push(group(t('obs.transitions'), [...buttons, duration]));
  }
  const outputs: HTMLElement[] = [];
  if (allow.recording) outputs.push(btn(t('obs.record_start'), 'record:start', '/record', () => ({ action: 'start' })), btn(t('obs.record_stop'), 'record:stop', '/record', () => ({ action: 'stop' })));
  if (allow.streaming) outputs.push(btn(t('obs.stream_start'), 'stream:start', '/stream', () => ({ action: 'start' })), btn(t('obs.stream_stop'), 'stream:stop', '/stream', () => ({ action: 'stop' })));
  if (outputs.length > 0) groups.push(group(t('obs.outputs'), outputs));
  for (const { scene, source } of allow.transforms ?? []) {
    const key = `${scene}/${source}`;
    const x = field('number', `transform:${key}:x`, 'x');
    const y = field('number', `transform:${key}:y`, 'y');
    const scale = field('number', `transform:${key}:scale`, t('obs.scale'), { min: '0.01', max: '100', step: '0.05' });
    const rotation = field('number', `transform:${key}:rotation`, t('obs.rotation'), { min: '-360', max: '360' });
    const body = (): Record<string, unknown> => {
      const s = num(scale);
      return { scene, source, ...(num(x) !== undefined ? { x: num(x) } : {}), ...(num(y) !== undefined ? { y: num(y) } : {}), ...(num(rotation) !== undefined ? { rotation: num(rotation) } : {}), ...(s !== undefined ? { scale_x: s, scale_y: s } : {}) };
    };
    groups.push(group(`${t('obs.transform')}: ${key}`, [x, y, scale, rotation, btn(t('obs.apply'), `transform:${key}:apply`, '/transform', body)]));
  }
  return groups;
}
