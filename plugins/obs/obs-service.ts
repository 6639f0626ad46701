import { EngineError } from '../../src/core/errors.ts';
import type { ObsAction, ObsAllow } from './config.ts';
import { refusalReason } from './allow-list.ts';
import type { ObsConnection, ObsConnectionSnapshot } from './obs-connection.ts';

export type MediaAction = 'play' | 'pause' | 'stop' | 'restart' | 'next' | 'previous';

/** The parts of a scene item's transform the plugin sets (obs-websocket's sceneItemTransform names). */
export interface Transform {
  positionX?: number;
  positionY?: number;
  rotation?: number;
  scaleX?: number;
  scaleY?: number;
}

export const MEDIA_PLAYING = 'OBS_MEDIA_STATE_PLAYING';

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

  async isSourceVisible(scene: string, source: string): Promise<boolean> {
    const sceneItemId = await this.findSceneItem(scene, source);
    return (await this.conn.request('GetSceneItemEnabled', { sceneName: scene, sceneItemId }, `OBS scene "${scene}" lost source "${source}"`)).sceneItemEnabled;
  }

  async isFilterEnabled(source: string, filter: string): Promise<boolean> {
    return (await this.conn.request('GetSourceFilter', { sourceName: source, filterName: filter }, `OBS has no filter "${filter}" on source "${source}"`)).filterEnabled;
  }

  async getText(source: string): Promise<string> {
    const res = await this.conn.request('GetInputSettings', { inputName: source }, `OBS has no input named "${source}"`);
    const text = (res.inputSettings as Record<string, unknown>).text;
    return typeof text === 'string' ? text : '';
  }

  async mediaState(source: string): Promise<string> {
    return (await this.conn.request('GetMediaInputStatus', { inputName: source }, `OBS has no media input named "${source}"`)).mediaState;
  }

  async currentTransition(): Promise<{ name: string; durationMs: number | undefined }> {
    const res = await this.conn.request('GetCurrentSceneTransition');
    return { name: res.transitionName, durationMs: typeof res.transitionDuration === 'number' ? res.transitionDuration : undefined };
  }

  async setTransition(name: string, durationMs?: number): Promise<void> {
    await this.conn.request('SetCurrentSceneTransition', { transitionName: name }, `OBS has no transition named "${name}"`);
    if (durationMs !== undefined) await this.conn.request('SetCurrentSceneTransitionDuration', { transitionDuration: durationMs });
  }

  async getTransform(scene: string, source: string): Promise<Transform> {
    const sceneItemId = await this.findSceneItem(scene, source);
    const t = (await this.conn.request('GetSceneItemTransform', { sceneName: scene, sceneItemId }, `OBS scene "${scene}" lost source "${source}"`)).sceneItemTransform as Record<string, unknown>;
    const num = (k: keyof Transform): Transform => (typeof t[k] === 'number' ? { [k]: t[k] } : {});
    return { ...num('positionX'), ...num('positionY'), ...num('rotation'), ...num('scaleX'), ...num('scaleY') };
  }

  async setTransform(scene: string, source: string, transform: Transform): Promise<void> {
    const sceneItemId = await this.findSceneItem(scene, source);
    await this.conn.request('SetSceneItemTransform', { sceneName: scene, sceneItemId, sceneItemTransform: { ...transform } }, `OBS scene "${scene}" lost source "${source}"`);
  }

  /** Whether the recording (`record`) or the stream (`stream`) output is running. */
  async outputActive(output: 'record' | 'stream'): Promise<boolean> {
    return output === 'record' ? (await this.conn.request('GetRecordStatus')).outputActive : (await this.conn.request('GetStreamStatus')).outputActive;
  }

  async setOutput(output: 'record' | 'stream', action: 'start' | 'stop'): Promise<void> {
    if (output === 'record') await this.conn.request(action === 'start' ? 'StartRecord' : 'StopRecord');
    else await this.conn.request(action === 'start' ? 'StartStream' : 'StopStream');
  }

  /** Checks the allow-list (FORBIDDEN otherwise), then runs the action; `{field}` in a text is filled from `vars`. */
  async perform(action: ObsAction, vars: Readonly<Record<string, string>> = {}): Promise<void> {
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
      case 'transition':
        return this.setTransition(action.name, action.duration_ms);
      case 'transform':
        return this.setTransform(action.scene, action.source, transformOf(action));
      case 'record':
      case 'stream':
        return this.setOutput(action.type, action.action);
    }
  }
}

/** `{name}` → vars[name]; a field the event does not have becomes empty (config checks names at startup). */
export function fillTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-zA-Z_]+)\}/g, (_m, key: string) => vars[key] ?? '');
}

export function transformOf(action: Extract<ObsAction, { type: 'transform' }>): Transform {
  return {
    ...(action.x !== undefined ? { positionX: action.x } : {}),
    ...(action.y !== undefined ? { positionY: action.y } : {}),
    ...(action.rotation !== undefined ? { rotation: action.rotation } : {}),
    ...(action.scale_x !== undefined ? { scaleX: action.scale_x } : {}),
    ...(action.scale_y !== undefined ? { scaleY: action.scale_y } : {}),
  };
}
