// The model_dict entry the server resolves for the active character (GET /api/character).
export interface ModelEntry {
  name: string;
  url: string;
  scale: number;
  offset_x: number;
  offset_y: number;
  idle_motion_group: string;
  emotion_map: Record<string, string | number>;
  motion_map: Record<string, string>;
  tap_motions: Record<string, string>;
}

export interface CharacterInfo {
  name: string;
  displayName: string;
  language: string;
  live2d: ModelEntry | null;
  live2dFallback: boolean;
}

export async function fetchCharacter(): Promise<CharacterInfo> {
  const res = await fetch('/api/character');
  if (!res.ok) throw new Error(`GET /api/character: ${res.status}`);
  return (await res.json()) as CharacterInfo;
}
