/**
 * Splits a model's content stream into spoken text and hidden reasoning: everything inside
 * `<think>...</think>` (also `<thinking>`, `<reasoning>`) is reasoning, even when a tag is cut across
 * chunks. A stray closing tag (templates that open the block inside the prompt) is dropped.
 */
export interface ThinkPiece {
  kind: 'text' | 'reasoning';
  text: string;
}

const OPEN = /<(think|thinking|reasoning)>/i;
const CLOSE = /<\/(think|thinking|reasoning)>/i;
const LONGEST_TAG = '</reasoning>'.length;

export class ThinkFilter {
  private pending = '';
  private inThink: boolean;

  /** `startInThink`: the template already opened the block (e.g. DeepSeek-R1 distills, Qwen3 with thinking). */
  constructor(opts: { startInThink?: boolean } = {}) {
    this.inThink = opts.startInThink ?? false;
  }

  push(text: string): ThinkPiece[] {
    this.pending += text;
    const out: ThinkPiece[] = [];
    for (let guard = 0; guard < 10_000 && this.pending; guard++) {
      const re = this.inThink ? CLOSE : OPEN;
      const match = re.exec(this.pending);
      const strayClose = this.inThink ? null : CLOSE.exec(this.pending);
      const hit = strayClose && (!match || strayClose.index < match.index) ? strayClose : match;
      if (hit) {
        this.emit(out, this.pending.slice(0, hit.index));
        this.pending = this.pending.slice(hit.index + hit[0].length);
        if (hit === match) this.inThink = !this.inThink;
        continue;
      }
      // Hold back a tail that could be the start of a tag cut by the chunk boundary.
      const lt = this.pending.lastIndexOf('<');
      const keepFrom = lt !== -1 && this.pending.length - lt < LONGEST_TAG && couldBeTag(this.pending.slice(lt)) ? lt : this.pending.length;
      this.emit(out, this.pending.slice(0, keepFrom));
      this.pending = this.pending.slice(keepFrom);
      break;
    }
    return out;
  }

  /** Releases what was held back when the stream ends (an unfinished tag is kept as text/reasoning). */
  end(): ThinkPiece[] {
    const out: ThinkPiece[] = [];
    this.emit(out, this.pending);
    this.pending = '';
    return out;
  }

  private emit(out: ThinkPiece[], text: string): void {
    if (!text) return;
    const kind = this.inThink ? 'reasoning' : 'text';
    const last = out.at(-1);
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  }
}

function couldBeTag(tail: string): boolean {
  const lower = tail.toLowerCase();
  return ['<think>', '</think>', '<thinking>', '</thinking>', '<reasoning>', '</reasoning>'].some((tag) => tag.startsWith(lower));
}
