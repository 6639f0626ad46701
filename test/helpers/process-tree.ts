import { readdirSync, readFileSync } from 'node:fs';

/** One line of /proc/<pid>/stat: who started it, what it is, and its state (R, S, Z...). */
export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  state: string;
  nice: number;
}

/** Every process visible in /proc (Linux). */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const rest = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(name), comm: stat.slice(stat.indexOf('(') + 1, close), state: rest[0] ?? '', ppid: Number(rest[1]), nice: Number(rest[16]) });
    } catch {
      // exited while listing
    }
  }
  return out;
}

/** The processes below `pid` (children, grandchildren...), zombies excluded. */
export function descendantsOf(pid: number): ProcInfo[] {
  const all = listProcesses().filter((p) => p.state !== 'Z');
  const found: ProcInfo[] = [];
  const parents = new Set([pid]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        changed = true;
      }
    }
  }
  return found;
}

/** Whether `pid` is still a live (non-zombie) process. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `check` every 10 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitUntil(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}
