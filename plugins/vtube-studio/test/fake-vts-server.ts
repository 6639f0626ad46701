/**
 * A fake VTube Studio API server: real websocket on 127.0.0.1, the wire format, auth flow and error ids of
 * the VTube Studio public API as documented in https://github.com/DenchiSoft/VTubeStudio (README sections
 * "Authentication", "Requesting list of hotkeys…", "Requesting execution of hotkeys", "Requesting current
 * expression state list", "Requesting activation or deactivation of expressions", "Feeding in data for
 * default or custom parameters") and Files/ErrorID.cs.
 *
 * `allow`: what the streamer does with the "Allow plugin?" popup: 'allow' at once, 'deny', or 'manual'
 * (the request waits until `clickAllow()` / `clickDeny()`). Every request and every injected parameter
 * frame is recorded with its `performance.now()` arrival time.
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedRequest {
  at: number;
  /** The request's own `timestamp` (sender's epoch ms) on this thread's performance.now() scale. */
  sentAt?: number;
  type: string;
  data: Record<string, unknown>;
}
export interface Injection {
  at: number;
  sentAt?: number;
  values: Array<{ id: string; value: number; weight?: number }>;
}

const DEFAULT_PARAMS = new Set(['MouthOpen', 'MouthSmile', 'FaceAngleX', 'FaceAngleY', 'FaceAngleZ', 'EyeOpenLeft', 'EyeOpenRight', 'Brows']);

/** What a fake VTube Studio received, and polling on it (shared by the in-thread fake and its worker host). */
export class VtsRecorder {
  readonly requests: RecordedRequest[] = [];
  readonly injections: Injection[] = [];

  requestsOf(type: string): RecordedRequest[] {
    return this.requests.filter((r) => r.type === type);
  }

  async waitFor(pred: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`fake VTube Studio: ${what} not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export class FakeVtsServer extends VtsRecorder {
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  private readonly tokens = new Set<string>();
  private readonly sessions = new WeakMap<WebSocket, { authenticated: boolean }>();
  private pendingPopup: { ws: WebSocket; requestID: string } | undefined;
  private tokenCount = 0;
  port = 0;
  allow: 'allow' | 'deny' | 'manual' = 'allow';
  /** Called for every recorded request (the worker host forwards these). */
  onRecord: ((r: RecordedRequest, injection: Injection | undefined) => void) | undefined;
  tokenRequests = 0;
  connections = 0;
  hotkeys = [
    { name: 'Happy', type: 'ToggleExpression', description: 'Toggles an expression', file: 'happy.exp3.json', hotkeyID: 'hk-happy-1' },
    { name: 'Wave', type: 'TriggerAnimation', description: 'Triggers an animation', file: 'wave.motion3.json', hotkeyID: 'hk-wave-2' },
  ];
  expressions = [
    { name: 'sad', file: 'sad.exp3.json', active: false },
    { name: 'angry', file: 'angry.exp3.json', active: false },
  ];

  async start(port = 0): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    this.wss = wss;
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => {
      this.connections++;
      this.sockets.add(ws);
      this.sessions.set(ws, { authenticated: false });
      ws.on('close', () => {
        this.sockets.delete(ws);
        // The popup belongs to the plugin's connection; VTS drops it when that connection goes.
        if (this.pendingPopup?.ws === ws) this.pendingPopup = undefined;
      });
      ws.on('message', (raw) => this.onMessage(ws, raw.toString()));
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Closes the listening socket and every connection (VTube Studio quit). */
  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    this.wss = undefined;
  }

  /** The streamer revokes the plugin's access in VTube Studio's settings. */
  revokeAll(): void {
    this.tokens.clear();
    for (const ws of this.sockets) this.sessions.set(ws, { authenticated: false });
  }

  clickAllow(): void {
    const p = this.pendingPopup;
    this.pendingPopup = undefined;
    if (p) this.grant(p.ws, p.requestID);
  }

  clickDeny(): void {
    const p = this.pendingPopup;
    this.pendingPopup = undefined;
    if (p) this.send(p.ws, p.requestID, 'APIError', { errorID: 50, message: 'User has denied API access for your plugin.' });
  }

  get popupOpen(): boolean {
    return this.pendingPopup !== undefined;
  }

  private send(ws: WebSocket, requestID: string, messageType: string, data: Record<string, unknown>): void {
    ws.send(JSON.stringify({ apiName: 'VTubeStudioPublicAPI', apiVersion: '1.0', timestamp: Date.now(), requestID, messageType, data }));
  }

  private error(ws: WebSocket, requestID: string, errorID: number, message: string): void {
    this.send(ws, requestID, 'APIError', { errorID, message });
  }

  private grant(ws: WebSocket, requestID: string): void {
    const token = `fake-vts-token-${++this.tokenCount}-abcdef0123456789`;
    this.tokens.add(token);
    this.send(ws, requestID, 'AuthenticationTokenResponse', { authenticationToken: token });
  }

  private onMessage(ws: WebSocket, text: string): void {
    const at = performance.now();
    let msg: { apiName?: unknown; apiVersion?: unknown; requestID?: unknown; messageType?: unknown; data?: unknown; timestamp?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.error(ws, '', 2, 'JSON invalid');
      return;
    }
    const requestID = typeof msg.requestID === 'string' ? msg.requestID : '';
    if (msg.apiName !== 'VTubeStudioPublicAPI') return this.error(ws, requestID, 3, 'API name invalid');
    if (msg.apiVersion !== '1.0') return this.error(ws, requestID, 4, 'API version invalid');
    if (typeof msg.messageType !== 'string' || msg.messageType === '') return this.error(ws, requestID, 6, 'messageType missing');
    const type = msg.messageType;
    const data = (typeof msg.data === 'object' && msg.data !== null ? msg.data : {}) as Record<string, unknown>;
    const sentAt = typeof msg.timestamp === 'number' ? msg.timestamp - performance.timeOrigin : undefined;
    const record: RecordedRequest = { at, type, data, ...(sentAt !== undefined ? { sentAt } : {}) };
    this.requests.push(record);
    if (type !== 'InjectParameterDataRequest') this.onRecord?.(record, undefined);
    const session = this.sessions.get(ws) ?? { authenticated: false };
    switch (type) {
      case 'APIStateRequest':
        return this.send(ws, requestID, 'APIStateResponse', { active: true, vTubeStudioVersion: '1.28.0', currentSessionAuthenticated: session.authenticated });
      case 'AuthenticationTokenRequest': {
        this.tokenRequests++;
        const name = data.pluginName;
        const dev = data.pluginDeveloper;
        if (typeof name !== 'string' || name.length < 3 || name.length > 32) return this.error(ws, requestID, 52, 'plugin name invalid');
        if (typeof dev !== 'string' || dev.length < 3 || dev.length > 32) return this.error(ws, requestID, 53, 'developer name invalid');
        if (this.pendingPopup) return this.error(ws, requestID, 51, 'token request currently ongoing');
        if (this.allow === 'allow') return this.grant(ws, requestID);
        if (this.allow === 'deny') return this.error(ws, requestID, 50, 'User has denied API access for your plugin.');
        this.pendingPopup = { ws, requestID };
        return;
      }
      case 'AuthenticationRequest': {
        const token = data.authenticationToken;
        if (typeof token !== 'string' || token === '') return this.error(ws, requestID, 100, 'token missing');
        if (typeof data.pluginName !== 'string') return this.error(ws, requestID, 101, 'plugin name missing');
        if (typeof data.pluginDeveloper !== 'string') return this.error(ws, requestID, 102, 'developer missing');
        const ok = this.tokens.has(token);
        session.authenticated = ok;
        this.sessions.set(ws, session);
        return this.send(ws, requestID, 'AuthenticationResponse', { authenticated: ok, reason: ok ? 'Token valid. The plugin is authenticated for the duration of this session.' : 'Token invalid or revoked.' });
      }
      default:
        break;
    }
    if (!session.authenticated) return this.error(ws, requestID, 8, 'Request requires authentication.');
    switch (type) {
      case 'HotkeysInCurrentModelRequest':
        return this.send(ws, requestID, 'HotkeysInCurrentModelResponse', { modelLoaded: true, modelName: 'Fake Model', modelID: 'fake-model-id', availableHotkeys: this.hotkeys.map((h) => ({ ...h, keyCombination: [], onScreenButtonID: -1 })) });
      case 'HotkeyTriggerRequest': {
        const id = data.hotkeyID;
        const hk = this.hotkeys.find((h) => h.hotkeyID === id || (typeof id === 'string' && h.name.toLowerCase() === id.toLowerCase()));
        if (!hk) return this.error(ws, requestID, 202, 'hotkey not found in model');
        return this.send(ws, requestID, 'HotkeyTriggerResponse', { hotkeyID: hk.hotkeyID });
      }
      case 'ExpressionStateRequest':
        return this.send(ws, requestID, 'ExpressionStateResponse', { modelLoaded: true, modelName: 'Fake Model', modelID: 'fake-model-id', expressions: this.expressions.map((e) => ({ ...e, deactivateWhenKeyIsLetGo: false, autoDeactivateAfterSeconds: false, secondsRemaining: 0, usedInHotkeys: [], parameters: [] })) });
      case 'ExpressionActivationRequest': {
        const file = data.expressionFile;
        if (typeof file !== 'string' || !file.endsWith('.exp3.json')) return this.error(ws, requestID, 650, 'invalid expression file name');
        const ex = this.expressions.find((e) => e.file === file);
        if (!ex) return this.error(ws, requestID, 651, 'expression file not found');
        ex.active = data.active === true;
        return this.send(ws, requestID, 'ExpressionActivationResponse', {});
      }
      case 'InjectParameterDataRequest': {
        const values = data.parameterValues;
        if (!Array.isArray(values) || values.length === 0) return this.error(ws, requestID, 450, 'no data provided');
        const mode = data.mode ?? 'set';
        if (mode !== 'set' && mode !== 'add') return this.error(ws, requestID, 455, 'mode unknown');
        const clean: Injection['values'] = [];
        for (const v of values as Array<Record<string, unknown>>) {
          if (typeof v.id !== 'string' || !DEFAULT_PARAMS.has(v.id)) return this.error(ws, requestID, 453, `parameter ${String(v.id)} not found`);
          if (typeof v.value !== 'number' || v.value < -1_000_000 || v.value > 1_000_000) return this.error(ws, requestID, 451, 'value invalid');
          clean.push({ id: v.id, value: v.value, ...(typeof v.weight === 'number' ? { weight: v.weight } : {}) });
        }
        const inj: Injection = { at, values: clean, ...(sentAt !== undefined ? { sentAt } : {}) };
        this.injections.push(inj);
        this.onRecord?.(record, inj);
        return this.send(ws, requestID, 'InjectParameterDataResponse', {});
      }
      default:
        return this.error(ws, requestID, 7, `request type unknown: ${type}`);
    }
  }
}
