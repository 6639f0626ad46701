/**
 * Secret scrubbing for everything that reaches a log line: keys that look secret are replaced,
 * and strings are scanned for bearer tokens, OAuth strings, API keys and credentials in URLs.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEY = /(^|[_\-.])?(token|secret|password|passwd|pwd|api[_-]?key|apikey|authorization|cookie|set-cookie|oauth|credential|private[_-]?key|session[_-]?id|signature|hmac)s?$/i;

const STRING_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`],
  [/\boauth:[A-Za-z0-9]{6,}/gi, `oauth:${REDACTED}`],
  [/\b(sk|pk|rk|gsk|xai)-[A-Za-z0-9_-]{8,}/g, REDACTED],
  // user:password@ in URLs
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
  // secret-looking query parameters
  [/([?&](?:access_token|token|key|api_key|apikey|password|secret|auth|signature|sig|client_secret|code)=)[^&#\s]+/gi, `$1${REDACTED}`],
  // key=value / key: value pairs in free text
  [/\b((?:password|passwd|secret|token|api[_-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)/gi, `$1${REDACTED}`],
];

/**
 * Secret values the daemon has read (plugin tokens from the environment): scrubbed from every line
 * wherever they appear, whatever the key or wording around them. Shorter values are not kept, so a
 * short test string cannot blank out ordinary words.
 */
const knownSecrets = new Set<string>();
const MIN_KNOWN_SECRET = 6;

export function registerSecret(value: string): void {
  if (value.length < MIN_KNOWN_SECRET) return;
  knownSecrets.add(value);
  // As it appears inside a JSON string (quotes and backslashes escaped).
  const escaped = JSON.stringify(value).slice(1, -1);
  if (escaped !== value) knownSecrets.add(escaped);
}

function containsKnownSecret(text: string): boolean {
  for (const s of knownSecrets) if (text.includes(s)) return true;
  return false;
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactString(value: string): string {
  let out = value;
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  for (const [re, replacement] of STRING_PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Returns a redacted deep copy. Errors become plain objects; cycles and depth are bounded. */
export function redactDeep(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8) return '[depth limit]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: redactString(value.message) };
    if (value.stack) out.stack = redactString(value.stack);
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactDeep(v, depth + 1, seen);
    if (value.cause !== undefined) out.cause = redactDeep(value.cause, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (value instanceof Map) return redactDeep(Object.fromEntries(value), depth + 1, seen);
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof URL) return redactString(value.toString());
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== undefined && v !== null && typeof v !== 'boolean' && typeof v !== 'number' ? REDACTED : redactDeep(v, depth + 1, seen);
  }
  return out;
}

/** Cheap pre-check: does a serialized line contain anything that might need scrubbing? */
const SUSPECT = /token|secret|passw|pwd|api[_-]?key|apikey|authorization|cookie|oauth|credential|private[_-]?key|session[_-]?id|signature|hmac|bearer|basic |:\/\/[^"\s/]*@|\b(?:sk|pk|rk|gsk|xai)-/i;

/**
 * Scrubs one serialized JSON log line. Lines with nothing suspicious pass through untouched (the
 * common case costs one regex test); others are parsed, redacted and re-serialized.
 */
export function redactLine(line: string): string {
  if (!SUSPECT.test(line) && !containsKnownSecret(line)) return line;
  const trimmed = line.endsWith('\n') ? line.slice(0, -1) : line;
  try {
    return `${JSON.stringify(redactDeep(JSON.parse(trimmed)))}\n`;
  } catch {
    return redactString(line);
  }
}
