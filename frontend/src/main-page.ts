// The engine's basic page: connection state, stage status, subtitles and typed input.
// The Live2D avatar page builds on this protocol (see docs/protocol.md).
type StatusEntry = { name: string; state: string; detail?: string };
type ServerMessage =
  | { type: 'hello'; clientUid: string; version: string; canSendInput: boolean; character: { displayName: string } }
  | { type: 'status'; stages: Record<string, StatusEntry>; plugins: Record<string, StatusEntry> }
  | { type: 'reply-text'; turnId: string; text: string }
  | { type: 'turn-start'; turnId: string }
  | { type: 'error'; code: string; message: string }
  | { type: string };

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
let socket: WebSocket | undefined;
let attempt = 0;

function setConn(state: 'open' | 'connecting' | 'closed'): void {
  const el = $('conn');
  el.textContent = state;
  el.className = `conn conn-${state}`;
}

function renderStatus(m: Extract<ServerMessage, { type: 'status' }>): void {
  const entries = [...Object.values(m.stages), ...Object.values(m.plugins)];
  $('stages').replaceChildren(
    ...entries.map((e) => {
      const span = document.createElement('span');
      span.className = `stage stage-${e.state}`;
      span.textContent = `${e.name}: ${e.state}`;
      if (e.detail) span.title = e.detail;
      return span;
    }),
  );
}

function connect(): void {
  setConn('connecting');
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
  socket = ws;
  ws.onopen = () => {
    attempt = 0;
    setConn('open');
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data !== 'string') return;
    const m = JSON.parse(ev.data) as ServerMessage;
    if (m.type === 'hello' && 'character' in m) $('character').textContent = (m as Extract<ServerMessage, { type: 'hello' }>).character.displayName;
    else if (m.type === 'status' && 'stages' in m) renderStatus(m as Extract<ServerMessage, { type: 'status' }>);
    else if (m.type === 'turn-start') $('subtitle').textContent = '';
    else if (m.type === 'reply-text' && 'text' in m) $('subtitle').textContent += `${(m as { text: string }).text} `;
  };
  ws.onclose = () => {
    setConn('closed');
    const delay = Math.min(10_000, 500 * 2 ** attempt++) * (0.8 + Math.random() * 0.4);
    setTimeout(connect, delay);
  };
}

$('say').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const input = $<HTMLInputElement>('text');
  const text = input.value.trim();
  if (text && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'text-input', text }));
  input.value = '';
});
connect();
