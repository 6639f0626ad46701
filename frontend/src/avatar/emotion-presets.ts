import { canonicalEmotion, EMOTIONS, type EmotionName } from '../../../src/live2d/avatar-vocabulary.ts';
import type { FaceVector } from './face-params.ts';

/**
 * Parameter blends for the built-in emotions. Values are offsets from the model's pose: angles in
 * degrees, `eyeOpen` as a change of the eye opening (-1 closes, +0.4 widens), the rest in -1..1.
 * Each emotion differs from every other on the face (eyes, brows, mouth or cheeks), not only by head pose.
 */
export const EMOTION_PRESETS: Readonly<Record<EmotionName, FaceVector>> = {
  neutral: {},
  happy: { eyeSmile: 0.6, eyeOpen: -0.15, mouthForm: 1, browY: 0.3, cheek: 0.35, angleZ: 4 },
  joy: { eyeSmile: 1, eyeOpen: -0.55, mouthForm: 1, mouthOpen: 0.45, browY: 0.7, cheek: 0.7, sparkle: 1, angleZ: 9, angleY: 8 },
  sad: { eyeOpen: -0.35, browY: -0.4, browAngle: 0.8, browForm: -1, mouthForm: -1, gloom: 0.8, tear: 0.6, eyeBallY: -0.6, angleY: -12 },
  angry: { eyeOpen: -0.2, browY: -0.6, browAngle: -1, browForm: -1, browX: -0.6, mouthForm: -0.8, angleY: -6, angleX: -5 },
  surprised: { eyeOpen: 0.45, browY: 1, browForm: 0.6, mouthForm: -0.2, mouthOpen: 0.6, sparkle: 0.6, angleY: 6 },
  smug: { eyeOpen: -0.45, eyeSmile: 0.35, browAngle: 0.5, browY: 0.15, mouthForm: 0.7, angleZ: -12, angleX: 12, eyeBallX: -0.6 },
  shy: { cheek: 1, eyeOpen: -0.3, eyeBallY: -0.7, eyeBallX: 0.4, browAngle: 0.5, browY: 0.2, mouthForm: 0.1, angleY: -15, angleZ: 8 },
  scared: { eyeOpen: 0.35, browY: 0.7, browAngle: 0.9, browForm: -0.8, mouthForm: -0.9, mouthOpen: 0.25, gloom: 0.4, angleX: -10, eyeBallX: 0.8 },
  disgusted: { eyeOpen: -0.4, browY: -0.7, browAngle: -0.6, browX: 0.5, mouthForm: -1, angleX: -15, angleZ: -7, eyeBallX: -0.8 },
  thinking: { eyeBallX: 0.8, eyeBallY: 0.8, browY: 0.4, browAngle: -0.3, mouthForm: -0.3, angleZ: 12, angleX: 14, angleY: 5 },
  sleepy: { eyeOpen: -0.85, browY: -0.3, mouthOpen: 0.12, mouthForm: 0, angleZ: -14, angleY: -10, bodyX: -4 },
};

export const EMOTION_NAMES: readonly EmotionName[] = EMOTIONS;

/** The preset name for an emotion tag (a vocabulary name or one of its aliases), or undefined. */
export function resolveEmotion(name: string): EmotionName | undefined {
  return canonicalEmotion(name);
}
