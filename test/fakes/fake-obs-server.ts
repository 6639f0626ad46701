import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One Request (op 6) the fake received, after identification. */
export interface ReceivedRequest {
  requestType: string;
  requestId: string;
  requestData: Record<string, unknown>;
  /** `performance.now()` when it arrived. */
  receivedAt: number;
}

/** What a request handler returns: response data, or a failed requestStatus, or 'hang' (never answer). */
export type FakeReply = { data?: Record<string, unknown> } | { code: number; comment: string } | 'hang';

export interface FakeObsOptions {
  /** When set, Hello carries an authentication challenge and Identify must answer it. */
  password?: string;
  obsVersion?: string;
  obsWebSocketVersion?: string;
  scenes?: string[];
  /** scene name → source names in it. */
  sceneItems?: Record<string, string[]>;
  /** input name → inputKind. */
  inputs?: Record<string, string>;
  /** source name → filter names. */
  filters?: Record<string, string[]>;
  /** Scene transitions OBS has. */
  transitions?: string[];
  /** "scene/source" items that start hidden (the rest start visible, as new OBS sources do). */
  hidden?: string[];
}

/** A scene item's transform as obs-websocket 5 reports it (the subset the plugin uses, plus sizes). */
export interface FakeTransform {
  positionX: number;
  positionY: number;
  rotation: number;
  scaleX: number;
  scaleY: number;
}

const SUBPROTOCOL = 'obswebsocket.json';

/** base64(sha256(base64(sha256(password + salt)) + challenge)), as the obs-websocket 5 spec says. */
export function obsAuthString(password: string, salt: string, challenge: string): string {
  const secret = createHash('sha256').update(password + salt).digest('base64');
  return createHash('sha256').update(secret + challenge).digest('base64');
}

/**
 * A local obs-websocket v5 server speaking the real JSON protocol (subprotocol obswebsocket.json):
 * Hello (op 0) with an optional challenge → Identify (op 1) → Identified (op 2) or close 4009;
 * Request (op 6) → RequestResponse (op 7) with requestStatus; Events (op 5). It keeps a small
 * scene/source/filter model so requests behave like OBS 28's (obs-websocket 5.0).
 */
export class FakeObsServer {
  readonly requests: ReceivedRequest[] = [];
  /** Overrides per request type (checked before the built-in model). */
  readonly handlers = new Map<string, (data: Record<string, unknown>) => FakeReply>();
  currentScene: string;
  readonly itemEnabled = new Map<string, boolean>();
  readonly filterEnabled = new Map<string, boolean>();
  readonly inputText = new Map<string, string>();
  /** media input → OBS_MEDIA_STATE_*; changed by TriggerMediaInputAction. */
  readonly mediaState = new Map<string, string>();
  /** "scene/source" → transform. */
  readonly transforms = new Map<string, FakeTransform>();
  currentTransition = 'Fade';
  transitionDuration = 300;
  recording = false;
  streaming = false;
  identifyCount = 0;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<WebSocket>();
  private portValue = 0;
  private readonly opts: Required<Omit<FakeObsOptions, 'password'>> & { password?: string };

  constructor(opts: FakeObsOptions = {}) {
    this.opts = {
      obsVersion: '29.1.3',
      obsWebSocketVersion: '5.0.1',
      scenes: ['Main', 'BRB'],
      sceneItems: { Main: ['Camera', 'Thanks', 'Subtitle'], BRB: ['Subtitle'] },
      inputs: { Camera: 'v4l2_input', Thanks: 'image_source', Subtitle: 'text_ft2_source_v2', Stinger: 'ffmpeg_source' },
      filters: { Camera: ['shake'] },
      transitions: ['Fade', 'Cut', 'Stinger'],
      // An alert image is kept hidden until something shows it.
      hidden: ['Main/Thanks'],
      ...opts,
    };
    for (const key of this.opts.hidden) this.itemEnabled.set(key, false);
    this.currentScene = this.opts.scenes[0] ?? 'Main';
  }

  get port(): number {
    return this.portValue;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.portValue}`;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Listens on 127.0.0.1 (a free port, or `port` to come back on the same one after a restart). */
  async start(port = 0): Promise<void> {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
      // A hung OBS does not finish a websocket handshake: hold it until the process "wakes up".
      verifyClient: (_info, done) => {
        if (this.held === undefined) done(true);
        else this.held.push(() => done(true));
      },
    });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    this.wss = wss;
    this.portValue = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket, req) => {
      this.tcp.set(socket, req.socket);
      socket.on('close', () => this.tcp.delete(socket));
      if (this.held !== undefined) req.socket.pause();
      this.onConnection(socket);
    });
  }

  /** Closes every client socket (code 1001 as when OBS quits) and stops listening. */
  async stop(): Promise<void> {
    this.thaw();
    for (const s of this.sockets) s.close(1001, 'Server stopping');
    const wss = this.wss;
    this.wss = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
  }

  /**
   * A hung OBS process (stopped, or stuck on the main thread): the TCP sockets are no longer read,
   * so requests, pings and even the close handshake get no answer, and new websocket handshakes
   * hang. `thaw()` resumes everything, as the process would, and answers what was buffered.
   */
  hang(): void {
    this.held ??= [];
    for (const t of this.tcp.values()) t.pause();
  }

  thaw(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const t of this.tcp.values()) t.resume();
    for (const release of held) release();
  }

  private held: Array<() => void> | undefined;
  private readonly tcp = new Map<WebSocket, Socket>();

  /** Drops every client connection but keeps listening. */
  dropClients(code = 1011): void {
    for (const s of this.sockets) s.close(code, 'dropped by test');
  }

  /** While true, requests get no answer at all and the socket stays open (a hung OBS). */
  frozen = false;

  /** The streamer switches the program scene in OBS itself: the model changes and the event goes out. */
  streamerSwitchScene(name: string): void {
    this.currentScene = name;
    this.emitEvent('CurrentProgramSceneChanged', { sceneName: name }, 4);
  }

  /** Sends an Event (op 5) to every identified client. */
  emitEvent(eventType: string, eventData: Record<string, unknown> = {}, eventIntent = 0): void {
    for (const s of this.sockets) s.send(JSON.stringify({ op: 5, d: { eventType, eventIntent, eventData } }));
  }

  /** Resolves with the first received request of `type` matching `filter` (polls, bounded). */
  async waitForRequest(type: string, filter: (data: Record<string, unknown>) => boolean = () => true, timeoutMs = 8000): Promise<ReceivedRequest> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.requests.find((r) => r.requestType === type && filter(r.requestData));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`fake OBS: no ${type} request within ${timeoutMs} ms; got ${this.requests.map((r) => r.requestType).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private onConnection(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const salt = randomBytes(32).toString('base64');
    const challenge = randomBytes(32).toString('base64');
    let identified = false;
    const hello: Record<string, unknown> = { obsWebSocketVersion: this.opts.obsWebSocketVersion, rpcVersion: 1 };
    if (this.opts.password !== undefined) hello.authentication = { challenge, salt };
    socket.send(JSON.stringify({ op: 0, d: hello }));
    socket.on('message', (raw) => {
      let msg: { op?: unknown; d?: Record<string, unknown> };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        socket.close(4002, 'DecodeError');
        return;
      }
      const d = msg.d ?? {};
      if (!identified) {
        if (msg.op !== 1) {
          socket.close(4007, 'NotIdentified');
          return;
        }
        if (this.opts.password !== undefined && d.authentication !== obsAuthString(this.opts.password, salt, challenge)) {
          socket.close(4009, 'Authentication failed.');
          return;
        }
        identified = true;
        this.identifyCount++;
        socket.send(JSON.stringify({ op: 2, d: { negotiatedRpcVersion: 1 } }));
        return;
      }
      if (msg.op !== 6) return;
      const request: ReceivedRequest = {
        requestType: String(d.requestType),
        requestId: String(d.requestId),
        requestData: (d.requestData as Record<string, unknown> | undefined) ?? {},
        receivedAt: performance.now(),
      };
      this.requests.push(request);
      if (this.frozen) return;
      const reply = this.handlers.get(request.requestType)?.(request.requestData) ?? this.model(request);
      if (reply === 'hang') return;
      const ok = !('code' in reply);
      const requestStatus = ok ? { result: true, code: 100 } : { result: false, code: reply.code, comment: reply.comment };
      const body: Record<string, unknown> = { requestType: request.requestType, requestId: request.requestId, requestStatus };
      if (ok && reply.data) body.responseData = reply.data;
      socket.send(JSON.stringify({ op: 7, d: body }));
    });
  }

  /** The built-in OBS model: enough of obs-websocket 5.0's requests for the plugin. */
  private model(req: ReceivedRequest): Exclude<FakeReply, 'hang'> {
    const d = req.requestData;
    const missing = (what: string): { code: number; comment: string } => ({ code: 600, comment: `No source was found by the name of \`${what}\`.` });
    const str = (k: string): string => (typeof d[k] === 'string' ? (d[k] as string) : '');
    /** The request's scene item as "scene/source", or undefined when OBS has no such item. */
    const itemKey = (): string | undefined => {
      const item = this.opts.sceneItems[str('sceneName')]?.[Number(d.sceneItemId) - 1];
      return item === undefined ? undefined : `${str('sceneName')}/${item}`;
    };
    const noItem = { code: 600, comment: 'No scene item found' };
    switch (req.requestType) {
      case 'GetVersion':
        return { data: { obsVersion: this.opts.obsVersion, obsWebSocketVersion: this.opts.obsWebSocketVersion, rpcVersion: 1, availableRequests: [], supportedImageFormats: [], platform: 'ubuntu', platformDescription: 'fake' } };
      case 'GetSceneList':
        return {
          data: {
            currentProgramSceneName: this.currentScene,
            currentPreviewSceneName: null,
            scenes: this.opts.scenes.map((sceneName, i) => ({ sceneName, sceneIndex: this.opts.scenes.length - 1 - i })).reverse(),
          },
        };
      case 'GetCurrentProgramScene':
        return { data: { currentProgramSceneName: this.currentScene } };
      case 'SetCurrentProgramScene': {
        const name = str('sceneName');
        if (!this.opts.scenes.includes(name)) return missing(name);
        this.currentScene = name;
        this.emitEvent('CurrentProgramSceneChanged', { sceneName: name }, 4);
        return {};
      }
      case 'GetSceneItemId': {
        const items = this.opts.sceneItems[str('sceneName')];
        if (!items) return missing(str('sceneName'));
        const index = items.indexOf(str('sourceName'));
        if (index < 0) return { code: 600, comment: 'No scene items were found in the specified scene by that name or offset.' };
        return { data: { sceneItemId: index + 1 } };
      }
      case 'SetSceneItemEnabled': {
        const key = itemKey();
        if (!key) return noItem;
        if (typeof d.sceneItemEnabled !== 'boolean') return { code: 300, comment: 'Your request is missing the `sceneItemEnabled` field.' };
        this.itemEnabled.set(key, d.sceneItemEnabled);
        return {};
      }
      case 'SetInputSettings': {
        const name = str('inputName');
        if (!(name in this.opts.inputs)) return missing(name);
        const settings = d.inputSettings as Record<string, unknown> | undefined;
        if (typeof settings?.text === 'string') this.inputText.set(name, settings.text);
        return {};
      }
      case 'GetInputSettings': {
        const name = str('inputName');
        const kind = this.opts.inputs[name];
        if (!kind) return missing(name);
        return { data: { inputKind: kind, inputSettings: { text: this.inputText.get(name) ?? '' } } };
      }
      case 'SetSourceFilterEnabled': {
        const filters = this.opts.filters[str('sourceName')];
        if (!filters) return missing(str('sourceName'));
        if (!filters.includes(str('filterName'))) return { code: 600, comment: 'No filter was found in the source by that name.' };
        this.filterEnabled.set(`${str('sourceName')}/${str('filterName')}`, d.filterEnabled === true);
        return {};
      }
      case 'TriggerMediaInputAction': {
        const name = str('inputName');
        if (!(name in this.opts.inputs)) return missing(name);
        const next: Record<string, string> = {
          OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY: 'OBS_MEDIA_STATE_PLAYING',
          OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART: 'OBS_MEDIA_STATE_PLAYING',
          OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PAUSE: 'OBS_MEDIA_STATE_PAUSED',
          OBS_WEBSOCKET_MEDIA_INPUT_ACTION_STOP: 'OBS_MEDIA_STATE_STOPPED',
        };
        const state = next[str('mediaAction')];
        if (state) this.mediaState.set(name, state);
        return {};
      }
      case 'GetSceneItemEnabled': {
        const key = itemKey();
        if (!key) return noItem;
        // OBS sources start visible.
        return { data: { sceneItemEnabled: this.itemEnabled.get(key) ?? true } };
      }
      case 'GetSourceFilter': {
        const filters = this.opts.filters[str('sourceName')];
        if (!filters) return missing(str('sourceName'));
        const index = filters.indexOf(str('filterName'));
        if (index < 0) return { code: 600, comment: 'No filter was found in the source by that name.' };
        return { data: { filterEnabled: this.filterEnabled.get(`${str('sourceName')}/${str('filterName')}`) ?? false, filterIndex: index, filterKind: 'fake_filter', filterSettings: {} } };
      }
      case 'GetMediaInputStatus': {
        const name = str('inputName');
        if (!(name in this.opts.inputs)) return missing(name);
        const state = this.mediaState.get(name) ?? 'OBS_MEDIA_STATE_STOPPED';
        const playing = state === 'OBS_MEDIA_STATE_PLAYING';
        return { data: { mediaState: state, mediaDuration: playing ? 5000 : null, mediaCursor: playing ? 0 : null } };
      }
      case 'GetCurrentSceneTransition':
        return {
          data: { transitionName: this.currentTransition, transitionUuid: `uuid-${this.currentTransition}`, transitionKind: 'fade_transition', transitionFixed: this.currentTransition === 'Cut', transitionDuration: this.currentTransition === 'Cut' ? null : this.transitionDuration, transitionConfigurable: false, transitionSettings: null },
        };
      case 'SetCurrentSceneTransition': {
        const name = str('transitionName');
        if (!this.opts.transitions.includes(name)) return { code: 600, comment: 'No scene transition was found by that name.' };
        this.currentTransition = name;
        return {};
      }
      case 'SetCurrentSceneTransitionDuration': {
        const ms = Number(d.transitionDuration);
        if (!(ms >= 50 && ms <= 20000)) return { code: 402, comment: 'The field value of `transitionDuration` is out of range.' };
        this.transitionDuration = ms;
        return {};
      }
      case 'GetSceneItemTransform':
      case 'SetSceneItemTransform': {
        const key = itemKey();
        if (!key) return noItem;
        const current = this.transforms.get(key) ?? { positionX: 0, positionY: 0, rotation: 0, scaleX: 1, scaleY: 1 };
        if (req.requestType === 'GetSceneItemTransform') return { data: { sceneItemTransform: { ...current, alignment: 5, width: 1920, height: 1080, sourceWidth: 1920, sourceHeight: 1080 } } };
        const patch = (d.sceneItemTransform ?? {}) as Partial<FakeTransform>;
        this.transforms.set(key, { ...current, ...patch });
        return {};
      }
      case 'GetRecordStatus':
        return { data: { outputActive: this.recording, outputPaused: false, outputTimecode: '00:00:00.000', outputDuration: 0, outputBytes: 0 } };
      case 'GetStreamStatus':
        return { data: { outputActive: this.streaming, outputReconnecting: false, outputTimecode: '00:00:00.000', outputDuration: 0, outputCongestion: 0, outputBytes: 0, outputSkippedFrames: 0, outputTotalFrames: 0 } };
      case 'StartRecord':
      case 'StartStream': {
        const rec = req.requestType === 'StartRecord';
        if (rec ? this.recording : this.streaming) return { code: 500, comment: 'The output is already running.' };
        if (rec) this.recording = true;
        else this.streaming = true;
        return {};
      }
      case 'StopRecord':
      case 'StopStream': {
        const rec = req.requestType === 'StopRecord';
        if (!(rec ? this.recording : this.streaming)) return { code: 501, comment: 'The output is not running.' };
        if (rec) this.recording = false;
        else this.streaming = false;
        return rec ? { data: { outputPath: '/tmp/fake-recording.mkv' } } : {};
      }
      default:
        return { code: 204, comment: 'Your request type is not valid.' };
    }
  }
}
