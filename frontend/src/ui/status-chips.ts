import { t, type MessageKey } from '../shared/i18n.ts';
import type { StatusEntry } from '../shared/protocol-types.ts';

/**
 * One chip per stage/plugin with its state; the tooltip is the detail line, plus the command that
 * installs what is missing when the component names one (`info.pull_command`: ASR model, embedder).
 */
export function renderStatusChips(el: HTMLElement, entries: StatusEntry[]): void {
  el.replaceChildren(
    ...entries.map((e) => {
      const span = document.createElement('span');
      span.className = `stage stage-${e.state}`;
      span.dataset.name = e.name;
      span.dataset.state = e.state;
      span.textContent = `${e.name}: ${t(`state.${e.state}` as MessageKey)}`;
      const pull = typeof e.info?.pull_command === 'string' ? t('chip.get_model', { cmd: e.info.pull_command }) : undefined;
      const tip = [e.detail, pull].filter(Boolean).join('\n');
      if (tip) span.title = tip;
      return span;
    }),
  );
}
