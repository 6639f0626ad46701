// Admin HTTP client: bearer token kept in sessionStorage (gone when the tab closes).
const KEY = 'vtuber.adminToken';

export type AdminFailure = 'unauthorized' | 'disabled' | 'unreachable' | 'error';

export class AdminRequestError extends Error {
  constructor(
    readonly failure: AdminFailure,
    readonly status: number,
  ) {
    super(`admin request failed: ${failure}`);
    this.name = 'AdminRequestError';
  }
}

export function savedToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string | undefined): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage off: the token lasts until reload.
  }
}

/** A request with the bearer token: no answer is `unreachable`, a refused token `unauthorized`; other statuses are returned. */
async function authorized(path: string, token: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } });
  } catch {
    throw new AdminRequestError('unreachable', 0);
  }
  if (res.status === 401) throw new AdminRequestError('unauthorized', 401);
  return res;
}

export async function adminFetch(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  const res = await authorized(path, token, init);
  if (res.ok) return res;
  if (res.status === 404) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    if (body.error?.code === 'ADMIN_DISABLED') throw new AdminRequestError('disabled', 404);
  }
  throw new AdminRequestError('error', res.status);
}

export async function adminJson<T>(path: string, token: string): Promise<T> {
  return (await (await adminFetch(path, token)).json()) as T;
}

export interface AdminReply<T> {
  ok: boolean;
  status: number;
  body: T;
}

/** A write (POST/PUT/DELETE) with a JSON body; refusals come back as values so forms can show them. */
export async function adminSend<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, token: string, body?: unknown): Promise<AdminReply<T>> {
  const res = await authorized(path, token, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  return { ok: res.ok, status: res.status, body: (await res.json().catch(() => ({}))) as T };
}
