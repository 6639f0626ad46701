// The admin panel (/admin): token sign-in, status, character, streamer input, recent turns, server logs,
// and feature panels (memory, relationships, Twitch, OBS) that light up when those parts report status.
import { AdminRequestError, adminJson, saveToken, savedToken } from './admin/admin-api.ts';
import type { AdminStatus } from './admin/admin-types.ts';
import { renderFeaturePanels } from './admin/feature-panels.ts';
import { CharactersPanel } from './admin/characters-panel.ts';
import './admin/obs-panel.ts';
import './admin/vtube-studio-panel.ts';
import './admin/donations-panel.ts';
import './admin/memory-panels.ts';
import { LocalModelsCard } from './admin/local-models-card.ts';
import { LogsPanel } from './admin/logs-panel.ts';
import { ModelsCard } from './admin/models-card.ts';
import { renderStatusPanel } from './admin/status-panel.ts';
import { TurnsPanel } from './admin/turns-panel.ts';
import { fetchCharacter } from './avatar/model-entry.ts';
import { BUILD_VERSION } from './shared/build-info.ts';
import { installErrorHandlers } from './shared/error-handlers.ts';
import { chosenLanguage, detectLanguage, followDaemonLanguage, getLanguage, setLanguage, t, translatePage, type Language, type MessageKey } from './shared/i18n.ts';
import { createLogger } from './shared/logger.ts';
import { SocketClient } from './shared/socket-client.ts';
import { bindConnectionBadge } from './ui/connection-badge.ts';
import { HeardPanel } from './ui/heard-panel.ts';

const log = createLogger('admin');
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
installErrorHandlers();
setLanguage(detectLanguage());
translatePage();
$<HTMLSelectElement>('lang').value = detectLanguage();
$('version').textContent = t('version', { v: BUILD_VERSION });
// Without a viewer's choice, the page follows the daemon's UI language (the character's by default).
if (!chosenLanguage()) {
  void fetch('/api/frontend-config')
    .then(async (res) => ((await res.json()) as { language?: string }).language)
    .then((daemonLanguage) => {
      if (!followDaemonLanguage(daemonLanguage)) return;
      $<HTMLSelectElement>('lang').value = getLanguage();
      $('version').textContent = t('version', { v: BUILD_VERSION });
    })
    .catch(() => log.warn('admin.config_unavailable'));
}
log.info('admin.start', { version: BUILD_VERSION });

let token = savedToken() ?? '';
let pollTimer: number | undefined;
let socket: SocketClient | undefined;
let lastStatus: AdminStatus | undefined;
const logs = new LogsPanel($('logs'), () => token);
const turns = new TurnsPanel($('turns'));
const heard = new HeardPanel($('heard'), 12);
const characters = new CharactersPanel($('characters'), () => token);
const modelsCard = new ModelsCard($('get-model'), () => token);
const localModels = new LocalModelsCard($('local-models'), () => token);

const failureText: Record<AdminRequestError['failure'], MessageKey> = {
  unauthorized: 'admin.bad_token',
  disabled: 'admin.disabled',
  unreachable: 'admin.unreachable',
  error: 'admin.unreachable',
};

function showLogin(error?: AdminRequestError): void {
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('sign-out').hidden = true;
  $('login-error').textContent = error ? t(failureText[error.failure]) : '';
  document.body.dataset.view = 'login';
  if (pollTimer !== undefined) window.clearInterval(pollTimer);
  socket?.close();
  socket = undefined;
  modelsCard.stop();
}

async function refreshStatus(): Promise<void> {
  const s = await adminJson<AdminStatus>('/admin/status', token);
  lastStatus = s;
  renderStatusPanel($('status'), s);
  renderFeaturePanels($('features'), s, token);
  $('char-name').textContent = `${s.character.displayName} (${s.character.name})`;
}

/** The "Found on this computer" card asks the agent stage; without one it stays hidden. */
function refreshLocalModels(): void {
  if (!lastStatus?.stages.agent) return localModels.hide();
  void localModels.refresh().catch((err: unknown) => log.warn('admin.local_models_unavailable', { error: String(err) }));
}

function connectSocket(): void {
  socket = new SocketClient();
  bindConnectionBadge($('conn'), socket);
  socket.onMessage((m) => {
    turns.handle(m);
    heard.handle(m);
    characters.handle(m);
    // Needed on a non-loopback daemon to send input; the admin token doubles as the input token.
    if (m.type === 'hello' && !m.canSendInput) socket?.send({ type: 'auth', token });
    if (m.type === 'character') {
      void refreshStatus().catch(() => undefined);
      refreshLocalModels();
      void showModel();
    }
    if (m.type === 'status' && lastStatus) void refreshStatus().catch(() => undefined);
  });
  socket.connect();
}

async function showModel(): Promise<void> {
  try {
    const c = await fetchCharacter();
    $('char-model').textContent = c.live2d ? `${t('admin.model')}: ${c.live2d.name}` : '';
  } catch {
    // The status line still names the character.
  }
}

async function signIn(candidate: string): Promise<void> {
  token = candidate;
  try {
    await refreshStatus();
  } catch (err) {
    if (err instanceof AdminRequestError) {
      log.warn('admin.sign_in_failed', { failure: err.failure });
      saveToken(undefined);
      showLogin(err);
      return;
    }
    throw err;
  }
  saveToken(token);
  $('login').hidden = true;
  $('dashboard').hidden = false;
  $('sign-out').hidden = false;
  document.body.dataset.view = 'dashboard';
  pollTimer = window.setInterval(() => {
    refreshStatus().catch((err: unknown) => {
      if (err instanceof AdminRequestError && err.failure === 'unauthorized') showLogin(err);
    });
  }, 5000);
  connectSocket();
  void modelsCard.start().catch((err: unknown) => log.warn('admin.models_unavailable', { error: String(err) }));
  refreshLocalModels();
  void logs.refresh().catch(() => undefined);
  void showModel();
  void characters.refresh().catch((err: unknown) => log.warn('admin.characters_failed', { name: err instanceof Error ? err.name : typeof err }));
}

$('login').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void signIn($<HTMLInputElement>('token').value.trim());
});
$('sign-out').addEventListener('click', () => {
  saveToken(undefined);
  token = '';
  showLogin();
});
$('say').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('say-text');
  const text = input.value.trim();
  if (text) socket?.send({ type: 'text-input', text });
  input.value = '';
});
$('lang').addEventListener('change', () => {
  setLanguage($<HTMLSelectElement>('lang').value as Language, true);
  translatePage();
  heard.render();
  turns.render();
  modelsCard.render();
  localModels.render();
  if (lastStatus) {
    renderStatusPanel($('status'), lastStatus);
    renderFeaturePanels($('features'), lastStatus, token);
  }
});

if (token) void signIn(token);
else showLogin();
