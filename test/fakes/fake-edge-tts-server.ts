import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local stand-in for the Edge "read aloud" websocket (speech.platform.bing.com/.../readaloud/edge/v1),
 * written from the protocol as the public clients implement it (msedge-tts' MsEdgeTTS.ts and
 * rany2/edge-tts' communicate.py):
 * - the client sends a text frame `Path:speech.config` (JSON with the output format), then one
 *   `X-RequestId:<id>\r\nContent-Type:application/ssml+xml\r\nPath:ssml\r\n\r\n<speak…>` per request;
 * - the service answers text `Path:turn.start`, then binary frames: a 2-byte big-endian header
 *   length, the headers (`X-RequestId`, `Content-Type:audio/mpeg`, `Path:audio`, CRLF separated)
 *   and the MP3 bytes; then text `Path:turn.end`.
 */
export interface FakeEdgeOptions {
  /** The MP3 to stream for every request. */
  mp3: Buffer;
  /** Bytes per audio frame sent (the real service sends a few KB at a time). */
  chunkBytes?: number;
  /** Close the socket after this many audio frames instead of finishing the turn. */
  dropAfterFrames?: number;
  /** Pause between audio frames, as the service streams while it synthesizes (ms). */
  frameIntervalMs?: number;
}

export interface FakeEdgeServer {
  url: string;
  /** SSML documents received, in order. */
  requests: string[];
  /** `outputFormat` values the clients asked for in speech.config. */
  formats: string[];
  close(): Promise<void>;
}

function textFrame(requestId: string, path: string, body: string): string {
  return `X-RequestId:${requestId}\r\nContent-Type:application/json; charset=utf-8\r\nPath:${path}\r\n\r\n${body}`;
}

function audioFrame(requestId: string, mp3: Buffer): Buffer {
  const headers = Buffer.from(`X-RequestId:${requestId}\r\nContent-Type:audio/mpeg\r\nX-StreamId:1\r\nPath:audio\r\n`);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(headers.length);
  return Buffer.concat([len, headers, mp3]);
}

export async function startFakeEdgeServer(opts: FakeEdgeOptions): Promise<FakeEdgeServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const requests: string[] = [];
  const formats: string[] = [];
  const chunk = opts.chunkBytes ?? 4096;
  const interval = opts.frameIntervalMs ?? 5;
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const msg = String(data);
      if (msg.includes('Path:speech.config')) {
        const format = /"outputFormat"\s*:\s*"([^"]+)"/.exec(msg)?.[1];
        if (format) formats.push(format);
        return;
      }
      if (!msg.includes('Path:ssml')) return;
      const requestId = /X-RequestId:([^\r\n]+)/.exec(msg)?.[1] ?? '';
      requests.push(msg.slice(msg.indexOf('\r\n\r\n') + 4));
      ws.send(textFrame(requestId, 'turn.start', '{"context":{"serviceTag":"fake"}}'));
      void (async () => {
        let frames = 0;
        for (let off = 0; off < opts.mp3.length; off += chunk) {
          if (opts.dropAfterFrames !== undefined && frames >= opts.dropAfterFrames) {
            ws.terminate();
            return;
          }
          if (ws.readyState !== ws.OPEN) return;
          ws.send(audioFrame(requestId, opts.mp3.subarray(off, off + chunk)));
          frames++;
          await new Promise((r) => setTimeout(r, interval));
        }
        if (ws.readyState === ws.OPEN) ws.send(textFrame(requestId, 'turn.end', '{}'));
      })();
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/consumer/speech/synthesize/readaloud/edge/v1`,
    requests,
    formats,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
