/** Subtitles of the current reply: cleared when a turn starts, filled segment by segment. */
export class Subtitles {
  private turnId: string | undefined;
  private text = '';
  private clearTimer: number | undefined;
  /** A turn whose subtitle is a notice (setup hint): its reply text is not appended. */
  private pinned: string | undefined;

  constructor(private readonly el: HTMLElement) {}

  turnStart(turnId: string): void {
    // Control messages (a setup hint) may overtake the turn's own turn-start: keep what they showed.
    if (turnId === this.turnId) return;
    this.turnId = turnId;
    this.pinned = undefined;
    this.set('');
  }

  /** Shows a notice for the turn in full, instead of its reply text. */
  notice(turnId: string, text: string): void {
    this.turnStart(turnId);
    this.pinned = turnId;
    if (this.clearTimer !== undefined) window.clearTimeout(this.clearTimer);
    this.text = text;
    const span = document.createElement('span');
    span.textContent = text;
    this.el.replaceChildren(span);
  }

  append(turnId: string, text: string): void {
    if (turnId === this.pinned) return;
    if (turnId !== this.turnId) this.turnStart(turnId);
    this.set(this.text ? `${this.text} ${text.trim()}` : text.trim());
  }

  /** Leaves the last reply up for a while after the turn, then clears it. */
  turnEnd(turnId: string, holdMs = 6000): void {
    if (turnId !== this.turnId) return;
    if (this.clearTimer !== undefined) window.clearTimeout(this.clearTimer);
    this.clearTimer = window.setTimeout(() => {
      if (this.turnId === turnId) this.set('');
    }, holdMs);
  }

  private set(text: string): void {
    if (this.clearTimer !== undefined) window.clearTimeout(this.clearTimer);
    // Long replies keep their tail visible.
    this.text = text.length > 280 ? `…${text.slice(-280)}` : text;
    if (!this.text) {
      this.el.replaceChildren();
      return;
    }
    const span = document.createElement('span');
    span.textContent = this.text;
    this.el.replaceChildren(span);
  }
}
