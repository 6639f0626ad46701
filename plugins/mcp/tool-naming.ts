import { createHash } from 'node:crypto';

const MAX = 64;

/** An OpenAI-valid (`[a-zA-Z0-9_-]{1,64}`), unique-per-server tool name: `<prefix><server>_<tool>`. */
export function agentToolName(prefix: string, server: string, tool: string): string {
  const clean = `${prefix}${server}_${tool}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (clean.length <= MAX && clean === `${prefix}${server}_${tool}`) return clean;
  // Sanitized or too long: a hash of the original keeps two different tools apart.
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  return `${clean.slice(0, MAX - 9)}_${hash}`;
}
