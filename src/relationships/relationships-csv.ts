import type { RelationshipRow, UserRow, Viewer } from './relationship-db.ts';

export const CSV_COLUMNS = [
  'user_id', 'platform', 'display_name', 'previous_names', 'first_seen', 'last_seen',
  'affinity', 'trust', 'loyalty', 'messages', 'voice_turns', 'subs', 'sub_months', 'cheer_bits',
  'donations', 'donation_total', 'raids', 'days_seen', 'last_day', 'tags', 'notes',
] as const;

const INT_COLS = new Set(['messages', 'voice_turns', 'subs', 'sub_months', 'cheer_bits', 'donations', 'raids', 'days_seen']);
const NUM_RANGES: Record<string, [number, number]> = { affinity: [-100, 100], trust: [0, 100], loyalty: [0, 100], donation_total: [0, 1e12] };

export class CsvError extends Error {
  constructor(readonly row: number, readonly column: string, message: string) {
    super(`row ${row}, column ${column}: ${message}`);
  }
}

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One header row and one row per viewer; lists are `|`-separated; times are ISO 8601. */
export function toCsv(viewers: readonly Viewer[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { user: u, relationship: r } of viewers) {
    const rec: Record<string, string | number> = {
      user_id: u.id, platform: u.platform, display_name: u.display_name,
      previous_names: (JSON.parse(u.previous_names) as string[]).join('|'),
      first_seen: new Date(u.first_seen).toISOString(), last_seen: new Date(u.last_seen).toISOString(),
      affinity: r.affinity, trust: r.trust, loyalty: r.loyalty, messages: r.messages, voice_turns: r.voice_turns,
      subs: r.subs, sub_months: r.sub_months, cheer_bits: r.cheer_bits, donations: r.donations,
      donation_total: r.donation_total, raids: r.raids, days_seen: r.days_seen, last_day: r.last_day,
      tags: (JSON.parse(r.tags) as string[]).join('|'), notes: r.notes,
    };
    lines.push(CSV_COLUMNS.map((c) => cell(rec[c] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180 parsing (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new CsvError(rows.length + 1, '-', 'unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/** Validates a whole CSV before anything is written; errors name the row (1 = header) and column. */
export function viewersFromCsv(text: string, maxRows = 100_000): Viewer[] {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows[0];
  if (!header) throw new CsvError(1, '-', 'empty file');
  for (const c of ['user_id', 'display_name']) if (!header.includes(c)) throw new CsvError(1, c, 'missing column');
  for (const h of header) if (!(CSV_COLUMNS as readonly string[]).includes(h)) throw new CsvError(1, h, 'unknown column');
  if (rows.length - 1 > maxRows) throw new CsvError(maxRows + 2, '-', `too many rows (limit ${maxRows})`);
  const seen = new Set<string>();
  const now = Date.now();
  return rows.slice(1).map((cells, idx) => {
    const rowNo = idx + 2;
    if (cells.length !== header.length) throw new CsvError(rowNo, '-', `expected ${header.length} fields, got ${cells.length}`);
    const get = (c: string): string | undefined => {
      const i = header.indexOf(c);
      return i < 0 ? undefined : cells[i];
    };
    const num = (c: string, def: number): number => {
      const raw = get(c);
      if (raw === undefined || raw === '') return def;
      const v = Number(raw);
      if (!Number.isFinite(v)) throw new CsvError(rowNo, c, `not a number: ${raw.slice(0, 30)}`);
      if (INT_COLS.has(c) && (!Number.isInteger(v) || v < 0)) throw new CsvError(rowNo, c, 'expected a whole number ≥ 0');
      const range = NUM_RANGES[c];
      if (range && (v < range[0] || v > range[1])) throw new CsvError(rowNo, c, `out of range ${range[0]}..${range[1]}`);
      return v;
    };
    const time = (c: string): number => {
      const raw = get(c);
      if (!raw) return now;
      const t = Date.parse(raw);
      if (Number.isNaN(t)) throw new CsvError(rowNo, c, 'expected an ISO 8601 time');
      return t;
    };
    const id = get('user_id') ?? '';
    if (!id || id.length > 200) throw new CsvError(rowNo, 'user_id', 'required (≤ 200 characters)');
    if (seen.has(id)) throw new CsvError(rowNo, 'user_id', 'duplicate user_id');
    seen.add(id);
    const displayName = get('display_name') ?? '';
    if (!displayName) throw new CsvError(rowNo, 'display_name', 'required');
    const list = (c: string): string => JSON.stringify((get(c) ?? '').split('|').map((s) => s.trim()).filter(Boolean));
    const user: UserRow = { id, platform: get('platform') || (id.includes(':') ? (id.split(':')[0] as string) : 'local'), display_name: displayName, previous_names: list('previous_names'), first_seen: time('first_seen'), last_seen: time('last_seen') };
    const relationship: RelationshipRow = {
      user_id: id, affinity: num('affinity', 0), trust: num('trust', 0), loyalty: num('loyalty', 0), messages: num('messages', 0),
      voice_turns: num('voice_turns', 0), subs: num('subs', 0), sub_months: num('sub_months', 0), cheer_bits: num('cheer_bits', 0),
      donations: num('donations', 0), donation_total: num('donation_total', 0), raids: num('raids', 0), days_seen: num('days_seen', 0),
      last_day: get('last_day') ?? '', last_seen: user.last_seen, tags: list('tags'), notes: (get('notes') ?? '').slice(0, 2000), updated_at: now,
    };
    return { user, relationship };
  });
}
