import type { StatusEntry } from '../shared/protocol-types.ts';

/** The body of GET /admin/status (the parts the panel shows). */
export interface AdminStatus {
  version: string;
  uptime_s: number;
  character: { name: string; displayName: string };
  stages: Record<string, StatusEntry>;
  plugins: Record<string, StatusEntry>;
  services: Record<string, StatusEntry>;
  clients: Array<{ uid: string }>;
  queue: { size: number; capacity: number };
}
