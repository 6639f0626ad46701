import { t } from '../shared/i18n.ts';
import type { ConnectionState, SocketClient } from '../shared/socket-client.ts';
import { showToast } from '../shared/toast.ts';

/** Shows the websocket state (and the retry countdown) in a badge. */
export function bindConnectionBadge(el: HTMLElement, socket: SocketClient): () => void {
  let wasClosed = false;
  let countdown: number | undefined;
  const render = (s: ConnectionState, retryMs?: number): void => {
    if (countdown !== undefined) window.clearInterval(countdown);
    el.className = `conn conn-${s}`;
    el.dataset.state = s;
    if (s === 'closed' && retryMs !== undefined) {
      const until = Date.now() + retryMs;
      const tick = (): void => {
        el.textContent = t('conn.closed', { s: Math.max(0, Math.ceil((until - Date.now()) / 1000)) });
      };
      tick();
      countdown = window.setInterval(tick, 500);
      wasClosed = true;
    } else {
      el.textContent = t(s === 'open' ? 'conn.open' : s === 'connecting' ? 'conn.connecting' : 'conn.closed', { s: 0 });
      if (s === 'open' && wasClosed) showToast(t('toast.reconnected'));
      if (s === 'open') wasClosed = false;
    }
  };
  render(socket.state);
  return socket.onState(render);
}
