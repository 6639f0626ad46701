import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT_DIR } from '../../src/config/env.ts';
import type { ServerMessage } from '../../src/server/ws/protocol.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT_DIR, 'docs', 'screenshots');
export const ARTIFACT_DIR = path.join(ROOT_DIR, 'test-artifacts', 'screenshots');

const BASE_ARGS = ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--autoplay-policy=no-user-gesture-required'];

/** Why browser tests must skip here, or undefined when Chromium is installed. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium)`;
}

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, ...extraArgs] });
}

/** Collects console errors and page errors of a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/**
 * Saves a screenshot as a test artifact in test-artifacts/screenshots/ (ignored by git). With
 * UPDATE_SCREENSHOTS=1 it also refreshes the committed copy in docs/screenshots/ that the README shows,
 * so ordinary test runs leave the work tree clean.
 */
export function saveScreenshot(name: string, png: Buffer): void {
  for (const dir of [ARTIFACT_DIR, ...(process.env.UPDATE_SCREENSHOTS === '1' ? [SCREENSHOT_DIR] : [])]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), png);
  }
}

/**
 * Pixel maths on PNG screenshots, done in a helper page (the browser decodes PNG, no extra package).
 * `diffFraction`: share of pixels whose largest channel difference exceeds `threshold`.
 */
export class PixelLab {
  private constructor(private readonly page: Page) {}

  static async open(browser: Browser): Promise<PixelLab> {
    const page = await browser.newPage();
    await page.setContent('<html><body></body></html>');
    await page.evaluate(() => {
      const w = window as unknown as { decode: (b64: string) => Promise<ImageData> };
      w.decode = async (b64: string) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
        const c = new OffscreenCanvas(bmp.width, bmp.height);
        const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D;
        ctx.drawImage(bmp, 0, 0);
        return ctx.getImageData(0, 0, bmp.width, bmp.height);
      };
    });
    return new PixelLab(page);
  }

  diffFraction(a: Buffer, b: Buffer, threshold = 24): Promise<number> {
    return this.page.evaluate(
      async ([a64, b64, th]) => {
        const w = window as unknown as { decode: (b64: string) => Promise<ImageData>; cache?: Map<string, Promise<ImageData>> };
        w.cache ??= new Map();
        const cache = w.cache;
        // NOTE: no named inner functions here: tsx would wrap them in a `__name` helper the page lacks.
        const [x, y] = await Promise.all(
          [a64, b64].map((k) => {
            let p = cache.get(k);
            if (!p) {
              p = w.decode(k);
              cache.set(k, p);
            }
            return p;
          }),
        );
        if (!x || !y) return 1;
        if (x.width !== y.width || x.height !== y.height) return 1;
        let n = 0;
        for (let i = 0; i < x.data.length; i += 4) {
          let d = 0;
          for (let k = 0; k < 4; k++) d = Math.max(d, Math.abs((x.data[i + k] ?? 0) - (y.data[i + k] ?? 0)));
          if (d > th) n++;
        }
        return n / (x.width * x.height);
      },
      [a.toString('base64'), b.toString('base64'), threshold] as const,
    );
  }

  /** Alpha at points given as fractions of the image size. */
  alphaAt(png: Buffer, points: Array<[number, number]>): Promise<number[]> {
    return this.page.evaluate(
      async ([b64, pts]) => {
        const w = window as unknown as { decode: (b64: string) => Promise<ImageData> };
        const img = await w.decode(b64);
        return pts.map(([fx, fy]) => {
          const x = Math.min(img.width - 1, Math.floor(fx * img.width));
          const y = Math.min(img.height - 1, Math.floor(fy * img.height));
          return img.data[(y * img.width + x) * 4 + 3] ?? -1;
        });
      },
      [png.toString('base64'), points] as const,
    );
  }

  /** Share of pixels that differ from the top-left pixel (a blank canvas is ~0). */
  contentFraction(png: Buffer): Promise<number> {
    return this.page.evaluate(async (b64) => {
      const w = window as unknown as { decode: (b64: string) => Promise<ImageData> };
      const img = await w.decode(b64);
      const d = img.data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs((d[i] ?? 0) - (d[0] ?? 0)) + Math.abs((d[i + 1] ?? 0) - (d[1] ?? 0)) + Math.abs((d[i + 2] ?? 0) - (d[2] ?? 0)) + Math.abs((d[i + 3] ?? 0) - (d[3] ?? 0)) > 30) n++;
      }
      return n / (img.width * img.height);
    }, png.toString('base64'));
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

/** A PCM16 tone chunk with a flat envelope, as the TTS stage would send it. */
export function toneChunk(turnId: string, seq: number, ms: number, level: number): ServerMessage {
  const rate = 16000;
  const n = Math.round((rate * ms) / 1000);
  const buf = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * i) / rate) * 12000 * level), i * 2);
  return { type: 'audio', turnId, seq, segment: 0, format: 'pcm16', sampleRate: rate, data: buf.toString('base64'), durationMs: ms, envelope: Array.from({ length: Math.ceil(ms / 20) }, () => level), envelopeMs: 20 };
}

export interface AvatarPage {
  browser: Browser;
  page: Page;
  lab: PixelLab;
  errors: string[];
}

/**
 * Opens the avatar page of a running daemon in a fresh Chromium at a square viewport, frozen with
 * `?still=1` (no idle sway, blinking or breathing), and waits until the model is drawn.
 */
export async function openAvatarPage(url: string, size: number): Promise<AvatarPage> {
  const browser = await launchChromium();
  const lab = await PixelLab.open(browser);
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const errors = watchErrors(page);
  await page.goto(`${url}/?still=1`);
  await page.waitForFunction(() => (window as unknown as { vtuber?: { avatarReady?: boolean } }).vtuber?.avatarReady === true, null, { timeout: 60_000 });
  return { browser, page, lab, errors };
}

export interface AdminPage {
  browser: Browser;
  page: Page;
  errors: string[];
}

/** Chromium on the daemon's admin page at a 1000×900 (or given) viewport, signed in when `token` is given. */
export async function openAdminPage(url: string, opts: { token?: string; width?: number; height?: number } = {}): Promise<AdminPage> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1000, height: opts.height ?? 900 } });
  const errors = watchErrors(page);
  await page.goto(`${url}/admin`);
  if (opts.token !== undefined) {
    await page.fill('#token', opts.token);
    await page.click('#login button');
    // Signing in stores the token in sessionStorage only once /admin/status answers; a test that
    // navigates before then lands on the login form again.
    await page.waitForSelector('body[data-view="dashboard"]', { timeout: 15_000 });
  }
  return { browser, page, errors };
}
