import { EngineError } from '../../src/core/errors.ts';
import type { ObsAction, ObsAllow } from './config.ts';
import { refusalReason } from './allow-list.ts';
import type { ObsConnection, ObsConnectionSnapshot } from './obs-connection.ts';

export type MediaAction = 'play' | 'pause' | 'stop' | 'restart' | 'next' | 'previous';

const MEDIA_ACTIONS: Record<MediaAction, string> = {
  play: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY',
  pause: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PAUSE',
  stop: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_STOP',
  restart: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART',
  next: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_NEXT',
  previous: 'OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PREVIOUS',
};

/**
 * OBS operations by name, using only requests obs-websocket 5.0 has (no `*Uuid` fields).
 * Unchecked: callers that take outside input go through `perform`, which applies the allow-list.
 */
export class ObsService {
  constructor(
    private readonly conn: ObsConnection,
    readonly allow: Readonly<ObsAllow>,
  ) {}

  status(): ObsConnectionSnapshot {
    return this.conn.snapshot;
  }

  async listScenes(): Promise<{ current: string; scenes: string[] }> {
    const res = await this.conn.request('GetSceneList');
    // OBS lists scenes bottom-up (sceneIndex 0 is the last one in the UI); show them as the UI does.
    const scenes = [...res.scenes]
      .map((s) => ({ name: String(s.sceneName), index: Number(s.sceneIndex) }))
      .sort((a, b) => b.index - a.index)
      .map((s) => s.name);
    return { current: res.currentProgramSceneName, scenes };
  }

  async currentScene(): Promise<string> {
    return (await this.conn.request('GetCurrentProgramScene')).currentProgramSceneName;
  }

  async switchScene(name: string): Promise<void> {
    await this.conn.request('SetCurrentProgramScene', { sceneName: name }, `OBS has no scene named "${name}"`);
  }

  async findSceneItem(scene: string, source: string): Promise<number> {
    const res = await this.conn.request('GetSceneItemId', { sceneName: scene, sourceName: source }, `OBS scene "${scene}" has no source named "${source}" (or the scene does not exist)`);
    return res.sceneItemId;
  }

  async setSourceVisible(scene: string, source: string, visible: boolean): Promise<void> {
    const sceneItemId = await this.findSceneItem(scene, source);
    await this.conn.request('SetSceneItemEnabled', { sceneName: scene, sceneItemId, sceneItemEnabled: visible }, `OBS scene "${scene}" lost source "${source}"`);
  }

  /** Sets a FreeType 2 (Linux/macOS) or GDI+ (Windows) text source; both keep the text in `text`. */
  async setText(source: string, text: string): Promise<void> {
    await this.conn.request('SetInputSettings', { inputName: source, inputSettings: { text }, overlay: true }, `OBS has no input named "${source}"`);
  }

  async setFilterEnabled(source: string, filter: string, enabled: boolean): Promise<void> {
    await this.conn.request(
      'SetSourceFilterEnabled',
      { sourceName: source, filterName: filter, filterEnabled: enabled },
      `OBS has no filter "${filter}" on source "${source}" (or no such source)`,
    );
  }

  async triggerMedia(source: string, action: MediaAction): Promise<void> {
    await this.conn.request('TriggerMediaInputAction', { inputName: source, mediaAction: MEDIA_ACTIONS[action] }, `OBS has no media input named "${source}"`);
  }

  /** Checks the allow-list (FORBIDDEN otherwise), then runs the action. `text` fills `{text}`. */
  async perform(action: ObsAction, vars: { text?: string; user?: string } = {}): Promise<void> {
    const reason = refusalReason(this.allow, action);
    if (reason) throw new EngineError('FORBIDDEN', reason);
    switch (action.type) {
      case 'scene':
        return this.switchScene(action.name);
      case 'source':
        return this.setSourceVisible(action.scene, action.source, action.visible);
      case 'text':
        return this.setText(action.source, fillTemplate(action.text, vars));
      case 'filter':
        return this.setFilterEnabled(action.source, action.filter, action.enabled);
      case 'media':
        return this.triggerMedia(action.source, action.action);
    }
  }
}

function fillTemplate(template: string, vars: { text?: string; user?: string }): string {
  return template.replace(/\{(text|user)\}/g, (_m, key: 'text' | 'user') => vars[key] ?? '');
}
