import type { ObsAction, ObsAllow } from './config.ts';

/** Why `action` is not on the allow-list, or undefined when it is allowed. */
export function refusalReason(allow: ObsAllow, action: ObsAction): string | undefined {
  switch (action.type) {
    case 'scene':
      return allow.scenes.includes(action.name) ? undefined : `scene "${action.name}" is not in allow.scenes`;
    case 'source':
      return allow.sources.some((s) => s.scene === action.scene && s.source === action.source)
        ? undefined
        : `source "${action.source}" in scene "${action.scene}" is not in allow.sources`;
    case 'text':
      return allow.text_sources.includes(action.source) ? undefined : `text source "${action.source}" is not in allow.text_sources`;
    case 'filter':
      return allow.filters.some((f) => f.source === action.source && f.filter === action.filter)
        ? undefined
        : `filter "${action.filter}" on "${action.source}" is not in allow.filters`;
    case 'media':
      return allow.media.includes(action.source) ? undefined : `media input "${action.source}" is not in allow.media`;
    case 'transition':
      return allow.transitions.includes(action.name) ? undefined : `transition "${action.name}" is not in allow.transitions`;
    case 'transform':
      return allow.transforms.some((s) => s.scene === action.scene && s.source === action.source)
        ? undefined
        : `source "${action.source}" in scene "${action.scene}" is not in allow.transforms`;
    case 'record':
      return allow.recording ? undefined : 'starting or stopping the recording is off (allow.recording: false)';
    case 'stream':
      return allow.streaming ? undefined : 'starting or stopping the stream is off (allow.streaming: false)';
  }
}
