import { readlinkSync } from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority of the calling thread only (Linux: a thread id given to
 * setpriority(2) names that thread; /proc/thread-self gives it). Threads it starts afterwards
 * inherit the value. Elsewhere, or when not allowed, it does nothing and returns false.
 */
export function lowerThisThreadsPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    os.setPriority(tid, Math.max(os.getPriority(tid), nice));
    return true;
  } catch {
    return false;
  }
}
