import { t, type MessageKey } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';

/** One chip per stage/plugin with its state; the detail line is the tooltip. */
export function renderStatusChips(el: HTMLElement, entries: StatusEntry[]): void {
  el.replaceChildren(
    ...entries.map((e) => {
      const span = document.createElement('span');
      span.className = `stage stage-${e.state}`;
      span.dataset.name = e.name;
      span.dataset.state = e.state;
      span.textContent = `${e.name}: ${t(`state.${e.state}` as MessageKey)}`;
      if (e.detail) span.title = e.detail;
      return span;
    }),
  );
}
