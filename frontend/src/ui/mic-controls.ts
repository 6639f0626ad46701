import { MicCapture, type MicMode } from '../audio/mic-capture.ts';
import { t } from '../shared/i18n.ts';
import { createLogger } from '../shared/logger.ts';
import type { SocketClient } from '../shared/socket-client.ts';
import { showToast } from '../shared/toast.ts';

const log = createLogger('mic');

/** Wires the mic mode selector, push-to-talk button (and Space key), mute and level meter. */
export function bindMicControls(socket: SocketClient): MicCapture {
  const mic = new MicCapture(socket);
  const mode = document.getElementById('mic-mode') as HTMLSelectElement;
  const ptt = document.getElementById('ptt') as HTMLButtonElement;
  const mute = document.getElementById('mute') as HTMLButtonElement;
  const meter = document.getElementById('mic-level') as HTMLMeterElement;
  mic.onLevel = (rms) => {
    meter.value = Math.min(1, rms * 4);
  };
  const apply = async (m: MicMode): Promise<void> => {
    try {
      await mic.setMode(m);
    } catch (err) {
      log.warn('mic.open_failed', { name: err instanceof Error ? err.name : typeof err });
      showToast(t('toast.mic_denied'), 'warn');
      mode.value = 'off';
      await mic.setMode('off').catch(() => undefined);
    }
    ptt.hidden = mic.mode !== 'ptt';
    mute.hidden = mic.mode === 'off';
  };
  mode.addEventListener('change', () => void apply(mode.value as MicMode));
  const press = (down: boolean) => () => mic.talk(down);
  ptt.addEventListener('pointerdown', press(true));
  ptt.addEventListener('pointerup', press(false));
  ptt.addEventListener('pointerleave', press(false));
  window.addEventListener('keydown', (ev) => {
    if (ev.code === 'Space' && !ev.repeat && !(ev.target instanceof HTMLInputElement)) {
      ev.preventDefault();
      mic.talk(true);
    }
  });
  window.addEventListener('keyup', (ev) => {
    if (ev.code === 'Space' && !(ev.target instanceof HTMLInputElement)) mic.talk(false);
  });
  mute.addEventListener('click', () => {
    mic.setMuted(!mic.muted);
    mute.textContent = t(mic.muted ? 'mic.unmute' : 'mic.mute');
  });
  socket.onState((s) => {
    if (s === 'open') mic.resume();
  });
  // `?mic=always` / `?mic=ptt` preselects a mode (the browser still asks for permission).
  const preset = new URLSearchParams(location.search).get('mic');
  if (preset === 'always' || preset === 'ptt') {
    mode.value = preset;
    void apply(preset);
  }
  return mic;
}
