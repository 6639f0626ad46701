import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { EventBus } from '../../core/bus.ts';
import { isEngineError } from '../../core/errors.ts';
import { STREAMER } from '../../core/input.ts';
import type { InputQueue } from '../../core/input-queue.ts';
import type { ServerConfig } from '../../config/schema/server.ts';
import type { VoiceInput } from '../../voice/voice-stage.ts';
import type { ClientHub } from './client-hub.ts';
import type { SwitchRequest, SwitchResult } from '../../characters/character-switcher.ts';
import { ConfigError } from '../../config/config-error.ts';
import { ADMIN_MESSAGE_TYPES, INPUT_MESSAGE_TYPES, parseClientMessage, type ClientMessage, type ServerMessage } from './protocol.ts';
import { TokenBucket } from './rate-limit.ts';
import { tokensEqual, type AuthFailureLimiter } from '../tokens.ts';

export interface ConnectionDeps {
  bus: EventBus;
  hub: ClientHub;
  input: InputQueue;
  log: Logger;
  ws: ServerConfig['ws'];
  /** Token needed to send input when `requireToken` is true. */
  inputToken: string | undefined;
  requireToken: boolean;
  /** Wrong input tokens per client address (shared by all connections); the right token always passes. */
  authFailures: AuthFailureLimiter;
  version: string;
  character: { name: string; displayName: string };
  /** `auth` with this token makes the connection an admin client (character switches). */
  adminToken: string | undefined;
  switchCharacter(req: SwitchRequest): Promise<SwitchResult>;
  /** False once shutdown has begun: input is refused. */
  isAccepting(): boolean;
  /** Where microphone audio goes (the voice stage); undefined while there is none, and audio is ignored. */
  voice(): VoiceInput | undefined;
}

/**
 * One websocket connection: validates every frame at the edge, rate-limits, enforces the input
 * token, and turns messages into bus events and queued inputs. Nothing a client sends can
 * throw past this function; bad frames get an `error` reply and the connection stays open.
 */
export function handleConnection(socket: WebSocket, remote: string, urlToken: string | undefined, deps: ConnectionDeps): void {
  const uid = randomUUID();
  const log = deps.log.child({ client_uid: uid });
  const tokenOk = (token: string): boolean => deps.inputToken !== undefined && tokensEqual(token, deps.inputToken);
  let canSendInput = !deps.requireToken || (urlToken !== undefined && tokenOk(urlToken));
  if (deps.requireToken && urlToken !== undefined && !canSendInput) deps.authFailures.fail(remote);
  let isAdmin = false;
  let audioRate: number | undefined;
  let seq = 0;
  let violations = 0;
  let alive = true;
  const textBucket = new TokenBucket(deps.ws.messages_per_second, deps.ws.message_burst);
  const audioBucket = new TokenBucket(deps.ws.audio_frames_per_second, deps.ws.audio_frames_per_second);

  const reply = (message: ServerMessage): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const fail = (code: string, message: string, retryable = false): void => reply({ type: 'error', code, message, retryable });

  deps.hub.add({ uid, remote, canSendInput, connectedAt: Date.now() }, socket);
  deps.bus.emit('client.connected', { clientUid: uid, remote, canSendInput });
  log.info({ event: 'ws.connected', remote, can_send_input: canSendInput }, 'websocket client connected');
  reply({ type: 'hello', clientUid: uid, version: deps.version, canSendInput, character: deps.character });
  reply(deps.hub.statusMessage());

  const endAudio = (): void => {
    deps.voice()?.end(uid);
    deps.bus.emit('audio.end', { clientUid: uid });
  };

  const limited = (): boolean => {
    violations++;
    if (violations >= deps.ws.max_violations) {
      log.warn({ event: 'ws.rate_limit_close', violations }, 'closing connection that keeps breaking the rate limit');
      socket.close(1008, 'rate limit exceeded');
    }
    return true;
  };

  const dispatch = (msg: ClientMessage): void => {
    if (INPUT_MESSAGE_TYPES.has(msg.type) && !canSendInput) {
      fail('UNAUTHORIZED', `${msg.type} needs a token on this server: send {"type":"auth","token":...} or connect with ?token=`);
      return;
    }
    if (ADMIN_MESSAGE_TYPES.has(msg.type) && !isAdmin) {
      fail('FORBIDDEN', `${msg.type} needs an admin client: send {"type":"auth","token":<admin token>} first`);
      return;
    }
    if ((INPUT_MESSAGE_TYPES.has(msg.type) || ADMIN_MESSAGE_TYPES.has(msg.type)) && !deps.isAccepting()) {
      fail('SHUTTING_DOWN', 'the daemon is shutting down', true);
      return;
    }
    switch (msg.type) {
      case 'auth': {
        isAdmin = deps.adminToken !== undefined && tokensEqual(msg.token, deps.adminToken);
        const ok = isAdmin || tokenOk(msg.token);
        // A wrong token takes away only what a token grants: where none is needed, input stays allowed.
        canSendInput = ok || !deps.requireToken;
        deps.hub.add({ uid, remote, canSendInput, connectedAt: Date.now() }, socket);
        if (ok) {
          reply({ type: 'ack', ref: 'auth' });
          return;
        }
        const wait = deps.authFailures.blockedFor(remote);
        if (wait !== undefined) {
          fail('RATE_LIMITED', `too many wrong tokens from this address; retry after ${wait} s`, true);
          return;
        }
        deps.authFailures.fail(remote);
        fail('UNAUTHORIZED', 'wrong token');
        return;
      }
      case 'text-input': {
        try {
          const item = deps.input.push({ kind: 'text', text: msg.text, user: STREAMER, clientUid: uid, wsSeq: seq });
          reply({ type: 'ack', ref: msg.type, inputId: item.id });
        } catch (err) {
          if (isEngineError(err)) fail(err.code, err.message, err.retryable);
          else throw err;
        }
        return;
      }
      case 'audio-start':
        if (deps.voice()?.start(uid, msg.sampleRate) === false) {
          fail('QUEUE_FULL', 'too many microphone streams at once', true);
          return;
        }
        audioRate = msg.sampleRate;
        deps.bus.emit('audio.start', { clientUid: uid, sampleRate: msg.sampleRate });
        reply({ type: 'ack', ref: msg.type });
        return;
      case 'audio-end':
        if (audioRate !== undefined) endAudio();
        audioRate = undefined;
        reply({ type: 'ack', ref: msg.type });
        return;
      case 'interrupt':
        deps.bus.emit('turn.interrupt_requested', { reason: 'client', clientUid: uid, ...(msg.heardText !== undefined ? { heardText: msg.heardText } : {}) });
        reply({ type: 'ack', ref: msg.type });
        return;
      case 'playback':
        deps.bus.emit('client.playback', { clientUid: uid, turnId: msg.turnId, ended: msg.ended, ...(msg.seq !== undefined ? { seq: msg.seq } : {}), ...(msg.heardText !== undefined ? { heardText: msg.heardText } : {}) });
        reply({ type: 'ack', ref: msg.type });
        return;
      case 'ping':
        reply({ type: 'pong', ...(msg.t !== undefined ? { t: msg.t } : {}) });
        return;
      case 'character-switch':
        // Every client hears the switch through the `character` broadcast; this one also gets the ack or the refusal.
        deps
          .switchCharacter({ name: msg.name, queue: msg.queue ?? 'keep' })
          .then(() => reply({ type: 'ack', ref: msg.type }))
          .catch((err: unknown) => {
            if (err instanceof ConfigError || isEngineError(err)) fail(err.code, err.message.slice(0, 2000), err.retryable);
            else {
              log.error({ event: 'ws.character_switch_failed', err }, 'character switch failed');
              fail('INTERNAL', 'character switch failed');
            }
          });
        return;
    }
  };

  socket.on('message', (data: RawData, isBinary: boolean) => {
    seq++;
    try {
      if (isBinary) {
        if (!audioBucket.take() && limited()) return;
        if (!canSendInput) return fail('UNAUTHORIZED', 'audio needs a token on this server');
        if (audioRate === undefined) return fail('UNEXPECTED_BINARY', 'binary frames carry audio only: send audio-start {sampleRate} first');
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
        if (buf.length % 2 !== 0) return fail('BAD_MESSAGE', `audio frame has an odd byte length (${buf.length}); PCM16LE needs 2 bytes per sample`);
        // Only a copy into the client's ring happens here; the voice session processes it later.
        deps.voice()?.write(uid, buf);
        return;
      }
      if (!textBucket.take() && limited()) return fail('RATE_LIMITED', `more than ${deps.ws.messages_per_second} messages per second`, true);
      violations = 0;
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8');
      const parsed = parseClientMessage(text);
      if (!parsed.ok) {
        log.debug({ event: 'ws.bad_message', ws_seq: seq, code: parsed.code }, 'rejected websocket message');
        return fail(parsed.code, parsed.message);
      }
      log.debug({ event: 'ws.recv', ws_seq: seq, type: parsed.message.type }, 'websocket message received');
      dispatch(parsed.message);
    } catch (err) {
      log.error({ event: 'ws.handler_failed', ws_seq: seq, err }, 'websocket message handler failed');
      fail('INTERNAL', 'internal error while handling the message');
    }
  });

  socket.on('pong', () => {
    alive = true;
  });
  const heartbeat = setInterval(() => {
    if (!alive) {
      log.info({ event: 'ws.heartbeat_timeout' }, 'terminating unresponsive websocket client');
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, deps.ws.heartbeat_ms);
  heartbeat.unref();

  socket.on('error', (err) => log.warn({ event: 'ws.error', err }, 'websocket error'));
  socket.on('close', (code) => {
    clearInterval(heartbeat);
    if (audioRate !== undefined) endAudio();
    deps.hub.remove(uid);
    deps.bus.emit('client.disconnected', { clientUid: uid, code });
    log.info({ event: 'ws.disconnected', code }, 'websocket client disconnected');
  });
}
