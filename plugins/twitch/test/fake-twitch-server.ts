import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local stand-in for Twitch's IRC-over-websocket chat server (irc-ws.chat.twitch.tv). It speaks
 * the real wire lines: CAP REQ/ACK, PASS, NICK, the 001…376 welcome, JOIN, PING/PONG, PRIVMSG and
 * USERNOTICE with IRCv3 tags, and NOTICE "Login authentication failed" for a refused token.
 */
export interface FakeTwitchOptions {
  /** Accepts or refuses the PASS value (`oauth:...`, or `SCHMOOPIIE` for anonymous logins). */
  acceptPass?: (pass: string) => boolean;
  /** Reuse a port (to come back after `stop()` at the same address). */
  port?: number;
}

interface Session {
  ws: WebSocket;
  pass: string | undefined;
  nick: string | undefined;
  channels: Set<string>;
}

export interface ChatMessageSpec {
  id?: string;
  userId: string;
  login: string;
  displayName?: string;
  text: string;
  bits?: number;
  firstMsg?: boolean;
  badges?: string;
}

function escapeTag(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\:').replace(/ /g, '\\s').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

function tagString(tags: Record<string, string | number>): string {
  return `@${Object.entries(tags)
    .map(([k, v]) => `${k}=${escapeTag(String(v))}`)
    .join(';')}`;
}

export class FakeTwitchServer {
  private wss: WebSocketServer | undefined;
  private readonly sessions = new Set<Session>();
  /** Every websocket connection accepted, with when. */
  readonly connections: number[] = [];
  readonly logins: Array<{ pass: string | undefined; nick: string | undefined; at: number; accepted: boolean }> = [];
  readonly said: string[] = [];
  pongs = 0;
  private joinWaiters: Array<{ n: number; resolve: () => void }> = [];
  joins = 0;
  port = 0;

  constructor(
    readonly channel: string,
    private readonly opts: FakeTwitchOptions = {},
  ) {}

  async start(): Promise<this> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: this.port || this.opts.port || 0 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    this.wss = wss;
    this.port = (wss.address() as AddressInfo).port;
    wss.on('connection', (ws) => this.onConnection(ws));
    return this;
  }

  /** Closes every connection and stops listening (Twitch going away). */
  async stop(): Promise<void> {
    for (const s of this.sessions) s.ws.terminate();
    this.sessions.clear();
    const wss = this.wss;
    this.wss = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  /** Resolves once `n` JOINs in total have been answered. */
  waitForJoins(n: number, timeoutMs = 5_000): Promise<void> {
    if (this.joins >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Twitch: ${this.joins} joins, wanted ${n} within ${timeoutMs} ms`)), timeoutMs);
      this.joinWaiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Sends raw IRC lines (one websocket frame) to every client in the channel. */
  broadcast(lines: string | string[]): void {
    const frame = (Array.isArray(lines) ? lines : [lines]).join('\r\n');
    for (const s of this.sessions) if (s.channels.has(this.channel)) s.ws.send(`${frame}\r\n`);
  }

  privmsg(spec: ChatMessageSpec): string {
    const tags: Record<string, string | number> = {
      'badge-info': '',
      badges: spec.badges ?? '',
      color: '#1E90FF',
      'display-name': spec.displayName ?? spec.login,
      emotes: '',
      'first-msg': spec.firstMsg ? 1 : 0,
      flags: '',
      id: spec.id ?? randomUUID(),
      mod: 0,
      'returning-chatter': 0,
      'room-id': '100000',
      subscriber: 0,
      'tmi-sent-ts': Date.now(),
      turbo: 0,
      'user-id': spec.userId,
      'user-type': '',
    };
    if (spec.bits !== undefined) tags.bits = spec.bits;
    return `${tagString(tags)} :${spec.login}!${spec.login}@${spec.login}.tmi.twitch.tv PRIVMSG #${this.channel} :${spec.text}`;
  }

  /** A USERNOTICE (sub, resub, subgift, submysterygift, raid...) from `login`. */
  usernotice(msgId: string, user: { userId: string; login: string; displayName?: string }, params: Record<string, string | number>, text?: string, id: string = randomUUID()): string {
    const tags: Record<string, string | number> = {
      'badge-info': '',
      badges: '',
      color: '',
      'display-name': user.displayName ?? user.login,
      emotes: '',
      flags: '',
      id,
      login: user.login,
      mod: 0,
      'msg-id': msgId,
      ...params,
      'room-id': '100000',
      subscriber: 1,
      'system-msg': `${user.displayName ?? user.login} did ${msgId}`,
      'tmi-sent-ts': Date.now(),
      'user-id': user.userId,
      'user-type': '',
    };
    return `${tagString(tags)} :tmi.twitch.tv USERNOTICE #${this.channel}${text ? ` :${text}` : ''}`;
  }

  private onConnection(ws: WebSocket): void {
    const session: Session = { ws, pass: undefined, nick: undefined, channels: new Set() };
    this.sessions.add(session);
    this.connections.push(Date.now());
    ws.on('close', () => this.sessions.delete(session));
    ws.on('message', (data) => {
      for (const line of data.toString().split('\r\n')) if (line) this.onLine(session, line);
    });
  }

  private onLine(s: Session, line: string): void {
    const send = (l: string): void => {
      if (s.ws.readyState === s.ws.OPEN) s.ws.send(`${l}\r\n`);
    };
    const [command = '', ...rest] = line.split(' ');
    const arg = rest.join(' ');
    switch (command) {
      case 'CAP':
        send(`:tmi.twitch.tv CAP * ACK :${arg.replace(/^REQ :/, '')}`);
        return;
      case 'PASS':
        s.pass = arg;
        return;
      case 'NICK': {
        s.nick = arg;
        const accepted = this.opts.acceptPass ? this.opts.acceptPass(s.pass ?? '') : true;
        this.logins.push({ pass: s.pass, nick: s.nick, at: Date.now(), accepted });
        if (!accepted) {
          send(':tmi.twitch.tv NOTICE * :Login authentication failed');
          s.ws.close();
          return;
        }
        const n = s.nick;
        for (const [code, text] of [
          ['001', 'Welcome, GLHF!'],
          ['002', 'Your host is tmi.twitch.tv'],
          ['003', 'This server is rather new'],
          ['004', '-'],
          ['375', '-'],
          ['372', 'You are in a maze of twisty passages, all alike.'],
          ['376', '>'],
        ]) send(`:tmi.twitch.tv ${code} ${n} :${text}`);
        send('PING :tmi.twitch.tv');
        return;
      }
      case 'JOIN': {
        const channel = arg.replace(/^#/, '');
        const n = s.nick ?? 'justinfan1';
        s.channels.add(channel);
        send(`:${n}!${n}@${n}.tmi.twitch.tv JOIN #${channel}`);
        send(`:${n}.tmi.twitch.tv 353 ${n} = #${channel} :${n}`);
        send(`:${n}.tmi.twitch.tv 366 ${n} #${channel} :End of /NAMES list`);
        send(`@badge-info=;badges=;color=;display-name=${n};emote-sets=0;mod=0;subscriber=0;user-type= :tmi.twitch.tv USERSTATE #${channel}`);
        send(`@emote-only=0;followers-only=-1;r9k=0;room-id=100000;slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #${channel}`);
        this.joins++;
        this.joinWaiters = this.joinWaiters.filter((w) => {
          if (this.joins < w.n) return true;
          w.resolve();
          return false;
        });
        return;
      }
      case 'PING':
        send(`PONG :${arg.replace(/^:/, '') || 'tmi.twitch.tv'}`);
        return;
      case 'PONG':
        this.pongs++;
        return;
      case 'PRIVMSG': {
        const text = arg.slice(arg.indexOf(':') + 1);
        this.said.push(text);
        return;
      }
      default:
        return;
    }
  }
}
