/** What the streaming tag parser finds in the model's text. */
export type TagEvent =
  | { type: 'text'; text: string }
  /** `[emotion: happy]`, `[motion: wave]`, `[stage: hype]`, or bare `[happy]` (kind `bare`). */
  | { type: 'tag'; kind: 'emotion' | 'motion' | 'stage' | 'bare'; name: string; intensity?: number; raw: string }
  /** `<think>…</think>` content: logged, never spoken. */
  | { type: 'think'; text: string }
  /** A roleplay action between single asterisks (`*waves*`): never spoken. */
  | { type: 'action'; text: string };

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const MAX_TAG = 48;
const MAX_ACTION = 80;
const KIND_ALIASES: Readonly<Record<string, 'emotion' | 'motion' | 'stage'>> = {
  emotion: 'emotion',
  emote: 'emotion',
  expression: 'emotion',
  face: 'emotion',
  mood: 'emotion',
  motion: 'motion',
  gesture: 'motion',
  action: 'motion',
  anim: 'motion',
  stage: 'stage',
  scene: 'stage',
  эмоция: 'emotion',
  выражение: 'emotion',
  настроение: 'emotion',
  движение: 'motion',
  жест: 'motion',
  сцена: 'stage',
};
const KEYED = /^\s*([\p{L}_]+)\s*[:=]\s*([\p{L}\p{N}_ -]{1,32}?)\s*(?:[,\s]\s*([01](?:\.\d+)?))?\s*$/u;
const BARE = /^\s*([\p{L}][\p{L}\p{N}_ -]{0,31}?)\s*$/u;

/**
 * Pulls inline tags, `<think>` blocks, markdown emphasis and `*actions*` out of a streamed reply.
 * Chunks may split anything anywhere (`[emo` + `tion: happy]`); an unfinished construct is held
 * back until the next chunk decides it. Plain text comes out as soon as it is known to be text.
 */
export class TagStreamParser {
  private buf = '';
  private inThink = false;

  push(chunk: string): TagEvent[] {
    this.buf += chunk;
    const out: TagEvent[] = [];
    this.drain(out, false);
    return out;
  }

  /** Ends the stream: whatever is still held back is decided now. */
  flush(): TagEvent[] {
    const out: TagEvent[] = [];
    this.drain(out, true);
    if (this.buf.length > 0) {
      if (!this.inThink) emitText(out, this.buf.replace(/[[*<]/g, ''));
      this.buf = '';
    }
    return out;
  }

  private drain(out: TagEvent[], final: boolean): void {
    let pos = 0;
    const buf = this.buf;
    while (pos < buf.length) {
      if (this.inThink) {
        const close = buf.indexOf(THINK_CLOSE, pos);
        if (close < 0) {
          const keep = final ? buf.length : Math.max(pos, buf.length - (THINK_CLOSE.length - 1));
          if (keep > pos) out.push({ type: 'think', text: buf.slice(pos, keep) });
          pos = keep;
          break;
        }
        if (close > pos) out.push({ type: 'think', text: buf.slice(pos, close) });
        pos = close + THINK_CLOSE.length;
        this.inThink = false;
        continue;
      }
      const at = nextSpecial(buf, pos);
      if (at < 0) {
        emitText(out, buf.slice(pos));
        pos = buf.length;
        break;
      }
      emitText(out, buf.slice(pos, at));
      pos = at;
      const ch = buf[at];
      const rest = buf.slice(at);
      if (ch === '<') {
        if (rest.startsWith(THINK_OPEN)) {
          this.inThink = true;
          pos = at + THINK_OPEN.length;
          continue;
        }
        if (rest.startsWith(THINK_CLOSE)) {
          // A close without an open (some servers strip the opening tag): drop it.
          pos = at + THINK_CLOSE.length;
          continue;
        }
        if (!final && (THINK_OPEN.startsWith(rest) || THINK_CLOSE.startsWith(rest))) break;
        pos = at + 1;
        continue;
      }
      if (ch === '[') {
        const close = buf.indexOf(']', at);
        const newline = buf.indexOf('\n', at);
        if (close > 0 && close - at <= MAX_TAG && (newline < 0 || newline > close)) {
          const tag = parseTag(buf.slice(at + 1, close));
          if (tag) out.push(tag);
          else out.push({ type: 'tag', kind: 'bare', name: buf.slice(at + 1, close).trim().toLowerCase(), raw: buf.slice(at, close + 1) });
          pos = close + 1;
          continue;
        }
        if (!final && close < 0 && newline < 0 && buf.length - at <= MAX_TAG) break;
        pos = at + 1; // a stray bracket is not spoken
        continue;
      }
      // '*'
      if (buf[at + 1] === '*') {
        pos = at + 2; // bold markers: keep the words, drop the stars
        continue;
      }
      if (!final && at + 1 >= buf.length) break;
      const close = buf.indexOf('*', at + 1);
      const newline = buf.indexOf('\n', at);
      if (close > at + 1 && close - at <= MAX_ACTION && (newline < 0 || newline > close) && buf[close + 1] !== '*') {
        out.push({ type: 'action', text: buf.slice(at + 1, close) });
        pos = close + 1;
        continue;
      }
      if (!final && close < 0 && newline < 0 && buf.length - at <= MAX_ACTION) break;
      pos = at + 1;
    }
    this.buf = buf.slice(pos);
  }
}

function nextSpecial(buf: string, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (c === 0x5b /* [ */ || c === 0x3c /* < */ || c === 0x2a /* * */) return i;
  }
  return -1;
}

function emitText(out: TagEvent[], text: string): void {
  if (text.length === 0) return;
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text += text;
  else out.push({ type: 'text', text });
}

/** Parses the inside of `[...]`; undefined when it is not tag-shaped (then it is dropped as bare). */
export function parseTag(inner: string): Extract<TagEvent, { type: 'tag' }> | undefined {
  const raw = `[${inner}]`;
  const keyed = KEYED.exec(inner);
  if (keyed) {
    const kind = KIND_ALIASES[(keyed[1] as string).toLowerCase()];
    const name = normalizeName(keyed[2] as string);
    if (kind && name) {
      const intensity = keyed[3] !== undefined ? Math.min(1, Math.max(0, Number(keyed[3]))) : undefined;
      return { type: 'tag', kind, name, raw, ...(intensity !== undefined && Number.isFinite(intensity) ? { intensity } : {}) };
    }
  }
  const bare = BARE.exec(inner);
  if (bare) return { type: 'tag', kind: 'bare', name: normalizeName(bare[1] as string), raw };
  return undefined;
}

function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}
