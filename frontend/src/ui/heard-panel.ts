import { t } from '../shared/i18n.ts';
import type { ServerMessage } from '../shared/protocol-types.ts';

type Line =
  | { kind: 'partial' | 'final'; key: string; text: string }
  | { kind: 'tool'; key: string; name: string; status: 'running' | 'completed' | 'error' };

/**
 * What the engine heard and is doing, live: speech recognition partials (one line per speaker that
 * is replaced as it grows, then kept as the final) and tool calls with their status. Used by the
 * avatar page (toggleable, never in overlay mode) and the admin panel. Text is set with
 * `textContent` only: transcripts are user input.
 */
export class HeardPanel {
  private lines: Line[] = [];
  private finals = 0;

  constructor(
    private readonly el: HTMLElement,
    private readonly maxLines = 8,
  ) {
    this.render();
  }

  /** Takes every server message; returns true when the panel changed. */
  handle(m: ServerMessage): boolean {
    if (m.type === 'transcript') {
      const speaker = m.clientUid ?? '-';
      const open = this.lines.findIndex((l) => l.kind === 'partial' && l.key === speaker);
      if (m.final) {
        if (open >= 0) this.lines.splice(open, 1);
        if (!m.text.trim()) return this.render();
        this.lines.push({ kind: 'final', key: `final-${this.finals++}`, text: m.text });
      } else if (open >= 0) {
        this.lines[open] = { kind: 'partial', key: speaker, text: m.text };
      } else {
        this.lines.push({ kind: 'partial', key: speaker, text: m.text });
      }
      return this.render();
    }
    if (m.type === 'tool-call-status') {
      const at = this.lines.findIndex((l) => l.kind === 'tool' && l.key === m.callId);
      const line: Line = { kind: 'tool', key: m.callId, name: m.name, status: m.status };
      if (at >= 0) this.lines[at] = line;
      else this.lines.push(line);
      return this.render();
    }
    return false;
  }

  /** Re-renders in the current language. */
  render(): true {
    while (this.lines.length > this.maxLines) this.lines.shift();
    if (this.lines.length === 0) {
      const p = document.createElement('p');
      p.className = 'heard-empty';
      p.textContent = t('heard.empty');
      this.el.replaceChildren(p);
      return true;
    }
    this.el.replaceChildren(
      ...this.lines.map((l) => {
        const div = document.createElement('div');
        div.className = `heard-line heard-${l.kind}`;
        if (l.kind === 'tool') {
          div.dataset.status = l.status;
          div.textContent = t('heard.tool', { name: l.name, status: t(`tool.${l.status}`) });
        } else {
          div.textContent = l.text;
        }
        return div;
      }),
    );
    return true;
  }
}
