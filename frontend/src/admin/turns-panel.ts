import { t } from '../shared/i18n.ts';
import type { ServerMessage } from '../shared/protocol-types.ts';

interface TurnRow {
  turnId: string;
  source: string;
  /** What the turn answers, with who said it (from turn-start). */
  input: string;
  state: string;
  reply: string;
  timings: Record<string, number>;
}

const MAX_TURNS = 20;

/** Recent turns from the websocket: source, input text, state, reply and per-stage timings (from turn-end). */
export class TurnsPanel {
  private readonly rows: TurnRow[] = [];

  constructor(private readonly el: HTMLElement) {
    this.render();
  }

  handle(m: ServerMessage): void {
    if (m.type === 'turn-start') {
      const input = m.inputText ? (m.userName && m.source !== 'voice' && m.source !== 'text' ? `${m.userName}: ${m.inputText}` : m.inputText) : '';
      this.rows.unshift({ turnId: m.turnId, source: m.source, input, state: 'running', reply: '', timings: {} });
      if (this.rows.length > MAX_TURNS) this.rows.pop();
    } else if (m.type === 'reply-text') {
      const r = this.rows.find((x) => x.turnId === m.turnId);
      if (r) r.reply = `${r.reply} ${m.text}`.trim().slice(0, 300);
    } else if (m.type === 'turn-end') {
      let r = this.rows.find((x) => x.turnId === m.turnId);
      if (!r) {
        r = { turnId: m.turnId, source: '?', input: '', state: m.state, reply: '', timings: {} };
        this.rows.unshift(r);
      }
      r.state = m.state;
      r.timings = m.timings;
    } else return;
    this.render();
  }

  render(): void {
    if (this.rows.length === 0) {
      const p = document.createElement('p');
      p.textContent = t('admin.no_turns');
      this.el.replaceChildren(p);
      return;
    }
    const table = document.createElement('table');
    const head = document.createElement('tr');
    for (const k of ['admin.turn', 'admin.source', 'admin.input', 'admin.state', 'admin.timings'] as const) {
      const th = document.createElement('th');
      th.textContent = t(k);
      head.append(th);
    }
    table.append(head);
    for (const r of this.rows) {
      const tr = document.createElement('tr');
      tr.dataset.turnId = r.turnId;
      const timing = Object.entries(r.timings)
        .map(([k, v]) => `${k} ${Math.round(v)}`)
        .join(' · ');
      for (const [i, text] of [r.turnId.slice(0, 8), r.source, r.input, r.state, timing].entries()) {
        const td = document.createElement('td');
        td.textContent = text;
        if (i === 2) td.className = 'turn-input';
        tr.append(td);
      }
      tr.title = r.reply;
      table.append(tr);
    }
    this.el.replaceChildren(table);
  }
}
