import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { isEngineError } from '../../src/core/errors.ts';
import { float32ToInt16, int16ToPcm16leBytes, pcm16leBytesToInt16 } from '../../src/audio/pcm.ts';
import type { OlvCompatConfig } from './config.ts';
import { EngineLink } from './engine-link.ts';
import { OlvChain } from './olv-chain.ts';
import type { OlvHistory } from './olv-history.ts';
import { parseOlvMessage, type OlvClientMessage } from './olv-protocol.ts';
import { SegmentCollector } from './segment-collector.ts';

export interface CharacterInfo {
  /** Their `conf_name`: our display name (what `config-files` lists). */
  confName: string;
  /** Their `conf_uid`: our character name (`characters/<name>.yaml`). */
  confUid: string;
  displayName: string;
  modelInfo: Record<string, unknown> | null;
  /** Emotion name → their expression (index or name). */
  emotionIndex: Record<string, number | string>;
}

export interface SessionDeps {
  config: OlvCompatConfig;
  log: Logger;
  /** Our own `/ws` URL. */
  engineUrl: string;
  /** The token their client gave in `?token=` (input or admin token), passed on to our `/ws`. */
  token: string | undefined;
  /** True when `token` is the admin token: only then may their client switch the character. */
  isAdmin: boolean;
  character: () => Promise<CharacterInfo>;
  configFiles: () => Array<{ filename: string; name: string }>;
  backgrounds: () => string[];
  history: OlvHistory;
  /** Queues a proactive line (our `proactive` input kind) for their `ai-speak-signal`; throws an EngineError when refused. */
  speakNow: (clientUid: string | undefined) => void;
}

type Json = Record<string, unknown>;

const NOT_IN_GROUP = { type: 'group-update', members: [], is_owner: false } as const;

/**
 * One Open-LLM-VTuber client, bridged onto its own connection to our `/ws`: the engine treats it
 * as any other client (same queue, turns, barge-in, TTS chain, input guard), and messages are
 * translated both ways (websocket_handler.py on their side).
 */
export function runOlvSession(client: WebSocket, deps: SessionDeps): void {
  const uid = randomUUID();
  const log = deps.log.child({ olv_client_uid: uid });
  let engineUid: string | undefined;
  let canInput = false;
  /** How the mic stream is open: their client-side VAD (`mic-audio-data`) or our VAD on raw audio. */
  let mic: 'utterance' | 'raw' | undefined;
  let clientInterrupted = false;
  let pendingSwitch: string | undefined;
  let character: CharacterInfo | undefined;
  // Engine messages wait for the handshake: their client reads set-model-and-conf first.
  let handshakeDone = false;
  const held: Json[] = [];
  // Client messages wait until the handshake is sent and our /ws said what this client may do (hello, auth),
  // as their server reads nothing before the connection is set up.
  let engineReady = false;
  let authPending = deps.token !== undefined;
  const early: string[] = [];

  const send = (msg: Json): void => {
    if (client.readyState === client.OPEN) client.send(JSON.stringify(msg));
  };
  const fail = (message: string): void => send({ type: 'error', message });
  const toEngine = (frame: Json | Buffer): void => link.send(frame);
  // Their client clears its audio queue at every chain start, and our engine may run the next turn ahead
  // (generated while this one speaks): another turn's messages wait until this chain has ended.
  const deferred: Json[] = [];
  const mustWait = (msg: Json): boolean => typeof msg.turnId === 'string' && chain.turn !== undefined && msg.turnId !== chain.turn;
  const deliver = (msg: Json): void => {
    if (typeof msg.turnId === 'string' && msg.turnId !== chain.turn && (chain.turn !== undefined || deferred.length > 0)) {
      if (deferred.length < 10_000) deferred.push(msg);
      else log.warn({ event: 'olv.deferred_dropped', type: msg.type }, 'too many engine messages wait for their client; dropped one');
      return;
    }
    fromEngine(msg);
  };
  const releaseDeferred = (): void => {
    while (deferred.length > 0 && !mustWait(deferred[0] as Json)) fromEngine(deferred.shift() as Json);
  };
  const chain = new OlvChain(send, deps.config.playback_wait_ms, () => queueMicrotask(releaseDeferred));
  /** Sentences sent in the current chain: their `interrupt-signal` text is these glued together (appendResponse). */
  const chainTexts: string[] = [];
  const spacedHeard = (heard: string): string => {
    let glued = '';
    for (let k = 0; k < chainTexts.length; k++) {
      glued += chainTexts[k] ?? '';
      if (glued === heard) return chainTexts.slice(0, k + 1).join(' ');
    }
    return heard;
  };
  const collector = new SegmentCollector(
    () => ({ name: character?.displayName ?? '', avatar: null }),
    (emotion) => character?.emotionIndex[emotion],
    deps.config.slice_ms,
    (payload) => {
      chain.audio();
      chainTexts.push(payload.display_text.text);
      send({ ...payload });
    },
  );
  const modelAndConf = (withUid: boolean): Json => ({
    type: 'set-model-and-conf',
    model_info: character?.modelInfo ?? null,
    conf_name: character?.confName ?? '',
    conf_uid: character?.confUid ?? '',
    ...(withUid ? { client_uid: uid } : {}),
  });

  // websocket_handler.py handle_new_connection: group status, greeting, model and config, group status, start-mic.
  const handshake = async (): Promise<void> => {
    character = await deps.character();
    handshakeDone = true;
    send(NOT_IN_GROUP);
    send({ type: 'full-text', text: 'Connection established' });
    send(modelAndConf(true));
    send(NOT_IN_GROUP);
    if (deps.config.start_mic) send({ type: 'control', text: 'start-mic' });
    for (const msg of held.splice(0)) deliver(msg);
    drainEarly();
  };

  const ready = (): boolean => handshakeDone && engineReady && !authPending;
  const drainEarly = (): void => {
    if (ready()) for (const text of early.splice(0)) handleText(text);
  };
  const handleText = (text: string): void => {
    const parsed = parseOlvMessage(text);
    if (!parsed.ok) return fail(parsed.message);
    dispatch(parsed.message);
  };

  const micFrame = (mode: 'utterance' | 'raw', audio: readonly number[]): void => {
    if (mic === undefined) {
      toEngine({ type: 'audio-start', sampleRate: 16_000 });
      mic = mode;
    }
    if (audio.length > 0) toEngine(int16ToPcm16leBytes(float32ToInt16(Float32Array.from(audio))));
  };

  const needsInput = (type: string): boolean => {
    if (canInput) return true;
    fail(`${type} needs the input token on this server: connect with ${deps.config.path}?token=<VTUBER_INPUT_TOKEN>`);
    return false;
  };

  const dispatch = (msg: OlvClientMessage): void => {
    switch (msg.type) {
      case 'text-input':
        toEngine({ type: 'text-input', text: msg.text });
        return;
      case 'mic-audio-data':
        micFrame('utterance', msg.audio);
        return;
      case 'raw-audio-data':
        micFrame('raw', msg.audio);
        return;
      case 'mic-audio-end':
        // Their client sends one whole utterance (its own VAD) and then this; our VAD closes an open utterance at the end.
        if (mic !== undefined) toEngine({ type: 'audio-end' });
        mic = undefined;
        return;
      case 'interrupt-signal': {
        clientInterrupted = true;
        const heard = spacedHeard(msg.text ?? '');
        const turnId = chain.turn;
        // The turn may have finished generating while their client still plays it: report what was heard for it too.
        if (turnId) toEngine({ type: 'playback', turnId, ended: true, heardText: heard });
        if (turnId && chain.awaitingPlayback) deps.history.markHeard(turnId, heard);
        toEngine({ type: 'interrupt', heardText: heard });
        collector.drop();
        chain.drop();
        return;
      }
      case 'frontend-playback-complete': {
        const turnId = chain.turn;
        if (turnId) toEngine({ type: 'playback', turnId, ended: true });
        chain.playbackComplete();
        return;
      }
      case 'audio-play-start':
        return; // only forwarded to other group members on their side; we have no groups
      case 'heartbeat':
        send({ type: 'heartbeat-ack' });
        return;
      case 'request-init-config':
        send(modelAndConf(true));
        return;
      case 'fetch-configs':
        send({ type: 'config-files', configs: deps.configFiles() });
        return;
      case 'fetch-backgrounds':
        send({ type: 'background-files', files: deps.backgrounds() });
        return;
      case 'switch-config':
        switchConfig(msg.file);
        return;
      case 'fetch-history-list':
      case 'fetch-and-set-history':
      case 'create-new-history':
      case 'delete-history':
        if (needsInput(msg.type)) send(deps.history.answer(msg));
        return;
      case 'request-group-info':
        send(NOT_IN_GROUP);
        return;
      case 'add-client-to-group':
      case 'remove-client-from-group':
        send({ type: 'group-operation-result', success: false, message: `${msg.type} is not supported: this engine runs one character for every client, there are no groups` });
        return;
      case 'ai-speak-signal':
        // Their proactive-speak trigger: our proactive input, which is not stored as a user message (their skip_history).
        if (!needsInput(msg.type)) return;
        send({ type: 'full-text', text: 'AI wants to speak something...' });
        try {
          deps.speakNow(engineUid);
        } catch (err) {
          if (!isEngineError(err)) throw err;
          fail(`ai-speak-signal: ${err.message}`);
        }
        return;
    }
  };

  const switchConfig = (file: string): void => {
    const wanted = file.replace(/\.ya?ml$/, '');
    if (character && wanted === character.confUid) {
      send(modelAndConf(false));
      send({ type: 'config-switched', message: `Switched to config: ${file}` });
      return;
    }
    if (!deps.configFiles().some((c) => c.filename === file)) {
      fail(`Error switching configuration: no character file "${file.slice(0, 100)}" in characters/`);
      return;
    }
    if (!deps.isAdmin) {
      fail(`Error switching configuration: switching the character needs the admin token: connect with ${deps.config.path}?token=<VTUBER_ADMIN_TOKEN>`);
      return;
    }
    pendingSwitch = file;
    toEngine({ type: 'character-switch', name: wanted });
  };

  const fromEngine = (msg: Json): void => {
    const turnId = typeof msg.turnId === 'string' ? msg.turnId : undefined;
    switch (msg.type) {
      case 'hello':
        engineUid = typeof msg.clientUid === 'string' ? msg.clientUid : undefined;
        canInput = canInput || msg.canSendInput === true;
        engineReady = true;
        drainEarly();
        return;
      case 'ack':
        if (msg.ref === 'auth') {
          canInput = true;
          authPending = false;
          drainEarly();
        }
        return;
      case 'turn-start':
        if (!turnId) return;
        clientInterrupted = false;
        if (turnId !== chain.turn) chainTexts.length = 0;
        chain.turnStarted(turnId);
        return;
      case 'transcript':
        if (msg.final === true && msg.clientUid === engineUid && typeof msg.text === 'string' && msg.text.trim() !== '') {
          // Their server-side VAD path (raw-audio-data) tells the client where the speech ended.
          if (mic === 'raw') send({ type: 'control', text: 'mic-audio-end' });
          chain.transcribed(msg.text);
        }
        return;
      case 'reply-text':
        if (turnId && turnId === chain.turn && typeof msg.text === 'string') collector.start(turnId, msg.text);
        return;
      case 'emotion':
        if (turnId && typeof msg.name === 'string') collector.emotion(turnId, msg.name);
        return;
      case 'audio':
        if (turnId && typeof msg.data === 'string' && typeof msg.sampleRate === 'number') collector.audio(turnId, pcm16leBytesToInt16(Buffer.from(msg.data, 'base64')), msg.sampleRate);
        return;
      case 'audio-stop':
        collector.drop();
        if (turnId === undefined || turnId === chain.turn) {
          // The engine cut the turn (barge-in, a preempting input, a character switch): their client's forwarded-interrupt message.
          if (chain.isOpen && !clientInterrupted) send({ type: 'interrupt-signal', text: 'conversation-interrupted' });
          chain.drop();
        }
        return;
      case 'turn-end':
        if (!turnId || turnId !== chain.turn) return;
        collector.flush();
        if (msg.state === 'interrupted') chain.drop();
        else chain.turnEnded(turnId);
        return;
      case 'character':
        void deps
          .character()
          .then((next) => {
            character = next;
            send(modelAndConf(false));
            if (pendingSwitch !== undefined) send({ type: 'config-switched', message: `Switched to config: ${pendingSwitch}` });
            pendingSwitch = undefined;
          })
          .catch((err: unknown) => log.warn({ event: 'olv.character_reload_failed', err }, 'could not read the new character'));
        return;
      case 'tool-call-status':
        // Their chat panel's tool card (single_conversation.py forwards the agent's tool_call_status with the character's name).
        if (typeof msg.callId === 'string' && typeof msg.name === 'string' && typeof msg.status === 'string') {
          send({ type: 'tool_call_status', tool_id: msg.callId, tool_name: msg.name, name: character?.displayName ?? '', status: msg.status, content: typeof msg.content === 'string' ? msg.content : '', timestamp: new Date().toISOString() });
        }
        return;
      case 'error':
        if (authPending && (msg.code === 'UNAUTHORIZED' || msg.code === 'RATE_LIMITED')) {
          authPending = false;
          fail(`the token in ${deps.config.path}?token= was not accepted: ${String(msg.message)}`);
          drainEarly();
          return;
        }
        if (pendingSwitch !== undefined && typeof msg.code === 'string' && /CONFIG_INVALID|CHARACTER_|FORBIDDEN/.test(msg.code)) {
          pendingSwitch = undefined;
          fail(`Error switching configuration: ${String(msg.message)}`);
          return;
        }
        if (msg.code === 'UNAUTHORIZED') fail(`this needs the input token on this server: connect with ${deps.config.path}?token=<VTUBER_INPUT_TOKEN>`);
        else if (typeof msg.message === 'string') fail(msg.message);
        return;
    }
  };

  const link = new EngineLink(
    deps.engineUrl,
    deps.token,
    (msg) => {
      try {
        if (handshakeDone) deliver(msg);
        else if (held.length < 5000) held.push(msg);
      } catch (err) {
        log.warn({ event: 'olv.engine_frame_failed', err }, 'could not translate an engine message');
      }
    },
    () => {
      if (client.readyState === client.OPEN) client.close(1011, 'engine connection closed');
    },
    log,
  );

  client.on('message', (data: RawData, isBinary: boolean) => {
    try {
      if (isBinary) return fail('binary frames are not part of this protocol: send mic-audio-data with float samples');
      const text = data.toString();
      if (ready()) handleText(text);
      else if (early.length < 100) early.push(text);
      else fail('too many messages before the connection was set up');
    } catch (err) {
      log.error({ event: 'olv.handler_failed', err }, 'OLV message handler failed');
      fail('internal error while handling the message');
    }
  });
  client.on('error', (err) => log.warn({ event: 'olv.client_ws_error', err }, 'OLV client websocket error'));
  client.on('close', () => {
    chain.dispose();
    link.close();
    log.info({ event: 'olv.disconnected' }, 'OLV client disconnected');
  });

  log.info({ event: 'olv.connected' }, 'OLV client connected');
  handshake().catch((err: unknown) => {
    log.error({ event: 'olv.handshake_failed', err }, 'OLV handshake failed');
    fail('could not read the character for the handshake');
    // Their server drops a connection it could not set up; nothing would be answered on this one.
    client.close(1011, 'handshake failed');
  });
}
