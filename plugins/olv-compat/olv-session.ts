import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import WebSocket, { type RawData } from 'ws';
import type { OlvCompatConfig } from './config.ts';
import { GROUP_TYPES, parseOlvMessage, type OlvClientMessage } from './olv-protocol.ts';
import { SegmentCollector } from './segment-collector.ts';
import { float32ToInt16, int16ToPcm16leBytes } from '../../src/audio/pcm.ts';

export interface CharacterInfo {
  confName: string;
  confUid: string;
  displayName: string;
  modelInfo: Record<string, unknown> | null;
  /** Emotion name → their expression index. */
  emotionIndex: Record<string, number>;
}

export interface SessionDeps {
  config: OlvCompatConfig;
  log: Logger;
  /** Our own `/ws` URL (with the input token when one is set). */
  engineUrl: string;
  character: () => Promise<CharacterInfo>;
  configFiles: () => Array<{ filename: string; name: string }>;
  backgrounds: () => string[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null;
}

/**
 * One Open-LLM-VTuber client. It is bridged onto a connection to our own `/ws`, so the engine
 * treats it as any other client (same queue, turns, barge-in, TTS chain), and its messages are
 * translated both ways.
 */
export function runOlvSession(client: WebSocket, deps: SessionDeps): void {
  const uid = randomUUID();
  const log = deps.log.child({ olv_client_uid: uid });
  const upstream = new WebSocket(deps.engineUrl);
  const backlog: Array<string | Buffer> = [];
  let engineUid: string | undefined;
  let micOpen = false;
  let lastTurnId: string | undefined;
  let character: CharacterInfo | undefined;
  // Engine messages wait for the handshake: their client reads set-model-and-conf first.
  let handshakeDone = false;
  const held: Json[] = [];

  const send = (msg: Json): void => {
    if (client.readyState === client.OPEN) client.send(JSON.stringify(msg));
  };
  const fail = (message: string): void => send({ type: 'error', message });
  const toEngine = (frame: Json | Buffer): void => {
    const data = Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    if (upstream.readyState === upstream.OPEN) upstream.send(data, { binary: Buffer.isBuffer(frame) });
    else if (upstream.readyState === upstream.CONNECTING && backlog.length < 2000) backlog.push(data);
  };
  const collector = new SegmentCollector(
    () => ({ name: character?.displayName ?? '', avatar: '' }),
    (emotion) => character?.emotionIndex[emotion],
    deps.config.slice_ms,
    (payload) => send({ ...payload }),
  );

  const handshake = async (): Promise<void> => {
    character = await deps.character();
    handshakeDone = true;
    send({ type: 'full-text', text: 'Connection established' });
    send({ type: 'set-model-and-conf', model_info: character.modelInfo, conf_name: character.confName, conf_uid: character.confUid, client_uid: uid });
    if (deps.config.start_mic) send({ type: 'control', text: 'start-mic' });
    for (const msg of held.splice(0)) fromEngine(msg);
  };

  const micFrame = (audio: readonly number[]): void => {
    if (!micOpen) {
      toEngine({ type: 'audio-start', sampleRate: 16_000 });
      micOpen = true;
    }
    if (audio.length > 0) toEngine(int16ToPcm16leBytes(float32ToInt16(Float32Array.from(audio))));
  };

  const dispatch = (msg: OlvClientMessage): void => {
    if (GROUP_TYPES.has(msg.type)) {
      fail(`${msg.type} is not supported: this engine runs one character, there are no groups`);
      return;
    }
    switch (msg.type) {
      case 'text-input':
        toEngine({ type: 'text-input', text: msg.text });
        return;
      case 'mic-audio-data':
      case 'raw-audio-data':
        micFrame(msg.audio);
        return;
      case 'mic-audio-end':
        if (micOpen) toEngine({ type: 'audio-end' });
        micOpen = false;
        return;
      case 'interrupt-signal':
        toEngine({ type: 'interrupt', ...(msg.text ? { heardText: msg.text } : {}) });
        return;
      case 'frontend-playback-complete':
        if (lastTurnId) toEngine({ type: 'playback', turnId: lastTurnId, ended: true });
        return;
      case 'audio-play-start':
        return;
      case 'heartbeat':
        send({ type: 'heartbeat-ack' });
        return;
      case 'request-init-config':
        void handshake();
        return;
      case 'fetch-configs':
        send({ type: 'config-files', configs: deps.configFiles() });
        return;
      case 'switch-config': {
        const wanted = msg.file.replace(/\.ya?ml$/, '');
        if (character && wanted === character.confName) {
          send({ type: 'config-switched', message: `Switched to config: ${msg.file}` });
          send({ type: 'set-model-and-conf', model_info: character.modelInfo, conf_name: character.confName, conf_uid: character.confUid, client_uid: uid });
          return;
        }
        const known = deps.configFiles().some((c) => c.filename === msg.file || c.filename.replace(/\.ya?ml$/, '') === wanted);
        fail(known ? `switch-config: "${msg.file}" is not the active character; set active_character: ${wanted} in conf.yaml and restart the engine (its memory and voice stages are loaded per character)` : `switch-config: no character file "${msg.file}" in characters/`);
        return;
      }
      case 'fetch-backgrounds':
        send({ type: 'background-files', files: deps.backgrounds() });
        return;
      case 'fetch-history-list':
      case 'fetch-and-set-history':
      case 'create-new-history':
      case 'delete-history':
        fail(`${msg.type} is not supported: this engine keeps one continuous conversation with long-term memory, not separate chat histories`);
        return;
      case 'ai-speak-signal':
        fail('ai-speak-signal is not supported: the engine decides when to speak on its own');
        return;
    }
  };

  const fromEngine = (msg: Json): void => {
    const type = msg.type;
    const turnId = typeof msg.turnId === 'string' ? msg.turnId : undefined;
    switch (type) {
      case 'hello':
        engineUid = typeof msg.clientUid === 'string' ? msg.clientUid : undefined;
        return;
      case 'turn-start':
        lastTurnId = turnId;
        send({ type: 'control', text: 'conversation-chain-start' });
        return;
      case 'transcript':
        if (msg.final === true && msg.clientUid === engineUid && typeof msg.text === 'string') {
          send({ type: 'control', text: 'mic-audio-end' });
          send({ type: 'user-input-transcription', text: msg.text });
        }
        return;
      case 'reply-text':
        if (turnId && typeof msg.text === 'string') collector.start(turnId, msg.text);
        return;
      case 'emotion':
        if (turnId && typeof msg.name === 'string') collector.emotion(turnId, msg.name);
        return;
      case 'audio':
        if (turnId && typeof msg.data === 'string' && typeof msg.sampleRate === 'number') {
          const bytes = Buffer.from(msg.data, 'base64');
          const pcm = new Int16Array(bytes.length >> 1);
          for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(i * 2);
          collector.audio(turnId, pcm, msg.sampleRate);
        }
        return;
      case 'audio-stop':
        collector.drop();
        send({ type: 'control', text: 'interrupt' });
        return;
      case 'turn-end':
        collector.flush();
        send({ type: 'backend-synth-complete' });
        send({ type: 'control', text: 'conversation-chain-end' });
        return;
      case 'error':
        if (typeof msg.message === 'string') fail(msg.message);
        return;
    }
  };

  upstream.on('open', () => {
    for (const data of backlog.splice(0)) upstream.send(data, { binary: Buffer.isBuffer(data) });
  });
  upstream.on('message', (data: RawData) => {
    try {
      const parsed: unknown = JSON.parse(data.toString());
      if (!isObject(parsed)) return;
      if (handshakeDone) fromEngine(parsed);
      else if (held.length < 5000) held.push(parsed);
    } catch (err) {
      log.warn({ event: 'olv.engine_frame_failed', err }, 'could not translate an engine message');
    }
  });
  upstream.on('error', (err) => log.warn({ event: 'olv.engine_ws_error', err }, 'engine websocket error'));
  upstream.on('close', () => {
    if (client.readyState === client.OPEN) client.close(1011, 'engine connection closed');
  });

  client.on('message', (data: RawData, isBinary: boolean) => {
    try {
      if (isBinary) return fail('binary frames are not part of this protocol: send mic-audio-data with float samples');
      const parsed = parseOlvMessage(data.toString());
      if (!parsed.ok) return fail(parsed.message);
      dispatch(parsed.message);
    } catch (err) {
      log.error({ event: 'olv.handler_failed', err }, 'OLV message handler failed');
      fail('internal error while handling the message');
    }
  });
  client.on('error', (err) => log.warn({ event: 'olv.client_ws_error', err }, 'OLV client websocket error'));
  client.on('close', () => {
    if (upstream.readyState === upstream.OPEN || upstream.readyState === upstream.CONNECTING) upstream.terminate();
    log.info({ event: 'olv.disconnected' }, 'OLV client disconnected');
  });

  log.info({ event: 'olv.connected' }, 'OLV client connected');
  handshake().catch((err: unknown) => {
    log.error({ event: 'olv.handshake_failed', err }, 'OLV handshake failed');
    fail('could not read the character for the handshake');
  });
}
