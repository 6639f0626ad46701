// The avatar page (and, with ?overlay=1 or /overlay, the OBS overlay): Live2D character, lip-synced
// audio, emotions and motions, subtitles, mic and typed input.
import { AudioPlayer } from './audio/audio-player.ts';
import { PlaybackTracker } from './audio/playback-tracker.ts';
import { Live2dAvatar } from './avatar/live2d-avatar.ts';
import { fetchCharacter } from './avatar/model-entry.ts';
import { BUILD_VERSION } from './shared/build-info.ts';
import { installErrorHandlers } from './shared/error-handlers.ts';
import { detectLanguage, followDaemonLanguage, getLanguage, setLanguage, t, translatePage, type Language } from './shared/i18n.ts';
import { createLogger, recentLogs, setLogLevel } from './shared/logger.ts';
import { startLogShipper } from './shared/log-shipper.ts';
import type { ServerMessage } from './shared/protocol-types.ts';
import { SocketClient } from './shared/socket-client.ts';
import { showToast } from './shared/toast.ts';
import { bindConnectionBadge } from './ui/connection-badge.ts';
import { HeardPanel } from './ui/heard-panel.ts';
import { bindMicControls } from './ui/mic-controls.ts';
import { renderStatusChips } from './ui/status-chips.ts';
import { Subtitles } from './ui/subtitles.ts';

const params = new URLSearchParams(location.search);
const overlay = params.get('overlay') === '1' || location.pathname.replace(/\/+$/, '') === '/overlay';
const still = params.get('still') === '1';
if (params.get('debug') === '1') setLogLevel('debug');
const log = createLogger('page');
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

installErrorHandlers();
setLanguage(detectLanguage());
translatePage();
document.body.classList.toggle('overlay', overlay);
$('version').textContent = t('version', { v: BUILD_VERSION });
log.info('page.start', { version: BUILD_VERSION, overlay, still });

// `?token=` lets a page on another machine send input to a non-loopback daemon (VTUBER_INPUT_TOKEN).
const inputToken = params.get('token');
const socket = new SocketClient(inputToken ? { url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(inputToken)}` } : {});
const subtitles = new Subtitles($('subtitle'));
const tracker = new PlaybackTracker(socket);
/** Turns whose audio started playing here, in order (the debug handle shows them to tests). */
const playedTurns: string[] = [];
/** Turns whose playing audio was cut off (audio-stop, or a character switch). */
const stoppedTurns: string[] = [];
const player = new AudioPlayer({
  chunkStarted: (c) => {
    if (!playedTurns.includes(c.turnId)) playedTurns.push(c.turnId);
    tracker.started(c.turnId, c.segment);
  },
  chunkEnded: (c) => tracker.chunkEnded(c.turnId, c.seq, player.isPlaying(c.turnId)),
});
// What was heard (transcripts, tool calls): optional on the page, never in the overlay.
const heard = overlay ? undefined : new HeardPanel($('heard-lines'));
if (heard) bindHeardToggle(params.get('heard'));
let avatar: Live2dAvatar | undefined;
let currentTurn: string | undefined;
let audioHintShown = false;
let lastStatusEntries: Parameters<typeof renderStatusChips>[1] = [];

const lang = $<HTMLSelectElement>('lang');
lang.value = detectLanguage();
lang.addEventListener('change', () => {
  setLanguage(lang.value as Language, true);
  translatePage();
  heard?.render();
  $('version').textContent = t('version', { v: BUILD_VERSION });
  renderStatusChips($('stages'), lastStatusEntries);
});

/** Shows or hides the heard panel: `?heard=0|1`, else the saved choice, else shown. */
function bindHeardToggle(fromQuery: string | null): void {
  const button = $('heard-toggle');
  const saved = (() => {
    try {
      return localStorage.getItem('vtuber.heard');
    } catch {
      return null;
    }
  })();
  const show = (on: boolean): void => {
    $('heard').hidden = !on;
    button.setAttribute('aria-pressed', String(on));
    try {
      localStorage.setItem('vtuber.heard', on ? '1' : '0');
    } catch {
      // Storage off: the choice lasts for this page only.
    }
  };
  show((fromQuery ?? saved ?? '1') !== '0');
  button.addEventListener('click', () => show($('heard').hidden));
}

function onMessage(m: ServerMessage): void {
  heard?.handle(m);
  switch (m.type) {
    case 'hello':
      $('character').textContent = m.character.displayName;
      if (!m.canSendInput && !overlay) showToast(t('toast.input_refused'), 'warn');
      return;
    case 'character':
      // A live switch: the old character's voice stops here too, even a reply the server already
      // finished sending (it may still be queued for playback); then the new model is drawn.
      for (const turnId of playedTurns) if (player.isPlaying(turnId)) stoppedTurns.push(turnId);
      if (currentTurn) {
        player.stop(currentTurn);
        tracker.finish(currentTurn);
      }
      player.stop();
      $('character').textContent = m.displayName;
      document.documentElement.lang = m.language;
      void reloadAvatar();
      return;
    case 'status':
      lastStatusEntries = [...Object.values(m.stages), ...Object.values(m.plugins)];
      renderStatusChips($('stages'), lastStatusEntries);
      applyBuiltinAvatar(m.plugins['vtube-studio']?.info?.builtinAvatar !== 'hidden');
      return;
    case 'turn-start':
      currentTurn = m.turnId;
      subtitles.turnStart(m.turnId);
      return;
    case 'reply-text':
      subtitles.append(m.turnId, m.text);
      tracker.replyText(m.turnId, m.segment, m.text);
      return;
    case 'emotion':
      avatar?.setEmotion(m.name, m.intensity ?? 1);
      return;
    case 'motion':
      avatar?.playMotion(m.name);
      return;
    case 'stage-cue':
      avatar?.stageCue(m.name);
      return;
    case 'audio':
      if (player.locked && !audioHintShown) {
        audioHintShown = true;
        showToast(t('toast.audio_locked'), 'warn', 8000);
      }
      player.enqueue(m);
      return;
    case 'audio-stop':
      if (player.isPlaying(m.turnId)) stoppedTurns.push(m.turnId);
      player.stop(m.turnId);
      tracker.finish(m.turnId);
      return;
    case 'turn-end':
      subtitles.turnEnd(m.turnId);
      tracker.serverDone(m.turnId, player.isPlaying(m.turnId));
      return;
    case 'error':
      log.warn('ws.server_error', { code: m.code });
      return;
    case 'setup-hint': {
      const text = t('hint.llm_missing', { fixes: m.fixes.join(' · ') });
      log.warn('ws.setup_hint', { topic: m.topic });
      subtitles.notice(m.turnId ?? 'setup-hint', text);
      showToast(text, 'warn', 15000);
      return;
    }
    default:
      return;
  }
}

socket.onMessage(onMessage);
bindConnectionBadge($('conn'), socket);
const mic = overlay ? undefined : bindMicControls(socket);

$('say').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('text');
  const text = input.value.trim();
  if (text) socket.send({ type: 'text-input', text });
  input.value = '';
});
$('stop').addEventListener('click', () => {
  const turnId = currentTurn;
  player.stop(turnId);
  socket.send({ type: 'interrupt', ...(turnId ? { turnId, heardText: tracker.heardText(turnId).slice(0, 4000) } : {}) });
  if (turnId) tracker.finish(turnId);
});
window.addEventListener('pointerdown', () => void player.unlock(), { once: false });

let characterName = '';

/**
 * Another program draws the character (the VTube Studio plugin's `hide_builtin_avatar`): the canvas is
 * hidden and its render loop stopped; audio, subtitles and input stay.
 */
let builtinAvatarShown = true;
function applyBuiltinAvatar(show: boolean): void {
  if (show === builtinAvatarShown) return;
  builtinAvatarShown = show;
  document.body.dataset.builtinAvatar = show ? 'on' : 'off';
  if (show) avatar?.app.ticker.start();
  else avatar?.app.ticker.stop();
  log.info('avatar.builtin', { shown: show });
}

async function loadAvatar(): Promise<void> {
  const info = await fetchCharacter();
  $('character').textContent = info.displayName;
  if (!info.live2d) throw new Error('no Live2D model in model_dict');
  const next = await Live2dAvatar.create({ canvas: $<HTMLCanvasElement>('avatar'), entry: info.live2d, still, followPointer: !overlay, mouthLevel: () => player.level() });
  avatar = next;
  characterName = info.name;
  document.body.dataset.avatar = 'ready';
  document.body.dataset.character = info.name;
  document.body.dataset.model = info.live2d.name;
  if (!builtinAvatarShown) avatar.app.ticker.stop();
}

let reloading: Promise<void> = Promise.resolve();

/** Replaces the model with the current character's (after a switch); one reload at a time. */
function reloadAvatar(): Promise<void> {
  reloading = reloading.then(async () => {
    document.body.dataset.avatar = 'loading';
    avatar?.destroy();
    avatar = undefined;
    // A fresh canvas: the old WebGL context went with the old renderer.
    const old = $<HTMLCanvasElement>('avatar');
    const fresh = document.createElement('canvas');
    fresh.id = old.id;
    fresh.className = old.className;
    old.replaceWith(fresh);
    try {
      await loadAvatar();
      log.info('avatar.reloaded', { character: characterName });
    } catch (err) {
      document.body.dataset.avatar = 'failed';
      log.error('avatar.load_failed', { name: err instanceof Error ? err.name : typeof err });
      showToast(t('toast.model_failed'), 'error');
    }
  });
  return reloading;
}

void (async () => {
  try {
    const cfg = (await (await fetch('/api/frontend-config')).json()) as { language?: string; logIngest?: { enabled: boolean; maxBatch: number } };
    if (cfg.logIngest?.enabled) startLogShipper({ maxBatch: cfg.logIngest.maxBatch });
    if (followDaemonLanguage(cfg.language)) {
      lang.value = getLanguage();
      $('version').textContent = t('version', { v: BUILD_VERSION });
    }
  } catch {
    log.warn('page.config_unavailable');
  }
})();

loadAvatar().catch((err: unknown) => {
  document.body.dataset.avatar = 'failed';
  log.error('avatar.load_failed', { name: err instanceof Error ? err.name : typeof err });
  showToast(t('toast.model_failed'), 'error');
});
socket.connect();

/** A small handle for tests and debugging (no secrets, no user text). */
const debugHandle = {
  get avatarReady(): boolean {
    return avatar !== undefined;
  },
  get character(): string {
    return characterName;
  },
  audioPlaying: (): boolean => player.isPlaying(),
  playedTurns: (): string[] => [...playedTurns],
  stoppedTurns: (): string[] => [...stoppedTurns],
  get connection(): string {
    return socket.state;
  },
  emotion: (): string | undefined => avatar?.face.emotion,
  lastMotion: (): { name: string; via: 'model' | 'procedural' } | undefined => avatar?.lastMotion,
  motionActive: (): boolean => avatar?.motionActive() ?? false,
  /** The avatar as drawn now (PNG data URL) and whether a motion was playing when it was taken. */
  snapshot: (): { png: string; motionActive: boolean } | undefined => (avatar ? { png: avatar.snapshot(), motionActive: avatar.motionActive() } : undefined),
  stage: (): string | undefined => avatar?.face.stage.current,
  mouth: (): number => avatar?.face.lastMouth ?? 0,
  modelBounds: (): { x: number; y: number; width: number; height: number } | undefined => {
    const b = avatar?.model.getBounds();
    return b ? { x: b.x, y: b.y, width: b.width, height: b.height } : undefined;
  },
  mic: (): { framesSent: number; samplesSent: number; audioClock: number } => ({ framesSent: mic?.framesSent ?? 0, samplesSent: mic?.samplesSent ?? 0, audioClock: mic?.audioClock ?? 0 }),
  logs: () => recentLogs(),
};
(window as unknown as { vtuber: typeof debugHandle }).vtuber = debugHandle;
