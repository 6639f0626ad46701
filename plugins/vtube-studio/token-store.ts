import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const TokenFileSchema = z.object({ pluginName: z.string(), pluginDeveloper: z.string(), token: z.string().min(1).max(64) });

/**
 * The token VTube Studio grants once the streamer clicks "Allow", kept in DATA_DIR (mode 0600) so the
 * popup is shown once, not on every start. A token is bound to the plugin name and developer, so a
 * file written for other names is ignored.
 */
export class TokenStore {
  constructor(
    readonly file: string,
    private readonly pluginName: string,
    private readonly pluginDeveloper: string,
  ) {}

  read(): string | undefined {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const r = TokenFileSchema.safeParse(parsed);
    if (!r.success || r.data.pluginName !== this.pluginName || r.data.pluginDeveloper !== this.pluginDeveloper) return undefined;
    return r.data.token;
  }

  write(token: string): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ pluginName: this.pluginName, pluginDeveloper: this.pluginDeveloper, token })}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
