import type { DownloadProgress } from './download.ts';

const MB = 1024 * 1024;

/** Transfer rate (bytes/s, of this run's bytes) and seconds left, or undefined when not yet known. */
export function progressFigures(p: DownloadProgress, startedAt: number, now = Date.now()): { rateBps: number; etaS: number | undefined } {
  const secs = Math.max(0.001, (now - startedAt) / 1000);
  const rateBps = (p.received - p.resumedFrom) / secs;
  const etaS = p.total !== undefined && rateBps > 0 ? Math.max(0, (p.total - p.received) / rateBps) : undefined;
  return { rateBps, etaS };
}

/**
 * A one-line progress bar on a TTY (redrawn at most 10 times a second), or a line every 25 %
 * when the output is a file or pipe.
 */
export function progressBar(label: string, out: NodeJS.WritableStream & { isTTY?: boolean }): { update(p: DownloadProgress): void; done(): void } {
  const started = Date.now();
  let lastDraw = 0;
  let lastQuarter = -1;
  let drewTty = false;
  const line = (p: DownloadProgress): string => {
    const figures = progressFigures(p, started);
    const rate = figures.rateBps / MB;
    const size = p.total ? `${(p.received / MB).toFixed(1)}/${(p.total / MB).toFixed(1)} MB` : `${(p.received / MB).toFixed(1)} MB`;
    if (!p.total) return `${label} ${size} ${rate.toFixed(1)} MB/s`;
    const frac = Math.min(1, p.received / p.total);
    const width = 24;
    const filled = Math.round(frac * width);
    const left = figures.etaS;
    const eta = left !== undefined ? `ETA ${Math.floor(left / 60)}:${String(Math.round(left % 60)).padStart(2, '0')}` : 'ETA --';
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${size} ${rate.toFixed(1)} MB/s ${eta}`;
  };
  return {
    update(p) {
      if (out.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.received !== p.total) return;
        lastDraw = now;
        drewTty = true;
        out.write(`\r${line(p)}\x1b[K`);
        return;
      }
      const quarter = p.total ? Math.floor((p.received / p.total) * 4) : -1;
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        out.write(`${line(p)}\n`);
      }
    },
    done() {
      if (drewTty) out.write('\n');
    },
  };
}
