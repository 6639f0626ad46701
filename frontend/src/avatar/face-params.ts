// Logical face parameters and the model parameter ids that carry them (Cubism 2 and Cubism 4 names).
export const FACE_PARAMS = [
  'eyeOpen', 'eyeSmile', 'eyeBallX', 'eyeBallY', 'browY', 'browX', 'browAngle', 'browForm',
  'mouthForm', 'mouthOpen', 'cheek', 'gloom', 'sparkle', 'tear', 'angleX', 'angleY', 'angleZ', 'bodyX', 'bodyY', 'bodyZ',
] as const;
export type FaceParam = (typeof FACE_PARAMS)[number];
export type FaceVector = Partial<Record<FaceParam, number>>;

/** Model parameter ids per logical parameter; every listed id the model has is driven. */
export const PARAM_IDS: Record<FaceParam, readonly string[]> = {
  eyeOpen: ['PARAM_EYE_L_OPEN', 'PARAM_EYE_R_OPEN', 'ParamEyeLOpen', 'ParamEyeROpen'],
  eyeSmile: ['PARAM_EYE_L_SMILE', 'PARAM_EYE_R_SMILE', 'PARAM_EYE_FORM', 'ParamEyeLSmile', 'ParamEyeRSmile'],
  eyeBallX: ['PARAM_EYE_BALL_X', 'ParamEyeBallX'],
  eyeBallY: ['PARAM_EYE_BALL_Y', 'ParamEyeBallY'],
  browY: ['PARAM_BROW_L_Y', 'PARAM_BROW_R_Y', 'ParamBrowLY', 'ParamBrowRY'],
  browX: ['PARAM_BROW_L_X', 'PARAM_BROW_R_X', 'ParamBrowLX', 'ParamBrowRX'],
  browAngle: ['PARAM_BROW_L_ANGLE', 'PARAM_BROW_R_ANGLE', 'ParamBrowLAngle', 'ParamBrowRAngle'],
  browForm: ['PARAM_BROW_L_FORM', 'PARAM_BROW_R_FORM', 'ParamBrowLForm', 'ParamBrowRForm'],
  mouthForm: ['PARAM_MOUTH_FORM', 'ParamMouthForm'],
  mouthOpen: ['PARAM_MOUTH_OPEN_Y', 'ParamMouthOpenY'],
  cheek: ['PARAM_CHEEK', 'PARAM_TERE', 'ParamCheek', 'ParamTere'],
  gloom: ['PARAM_DONYORI'],
  sparkle: ['PARAM_EYE_BALL_KIRAKIRA'],
  tear: ['PARAM_TEAR', 'ParamTear'],
  angleX: ['PARAM_ANGLE_X', 'ParamAngleX'],
  angleY: ['PARAM_ANGLE_Y', 'ParamAngleY'],
  angleZ: ['PARAM_ANGLE_Z', 'ParamAngleZ'],
  // Cubism 2 models name the body angles either way (shizuku uses PARAM_BODY_X/Y/Z).
  bodyX: ['PARAM_BODY_ANGLE_X', 'PARAM_BODY_X', 'ParamBodyAngleX'],
  bodyY: ['PARAM_BODY_ANGLE_Y', 'PARAM_BODY_Y', 'ParamBodyAngleY'],
  bodyZ: ['PARAM_BODY_ANGLE_Z', 'PARAM_BODY_Z', 'ParamBodyAngleZ'],
};

/** Read/write access to a model's parameters by id, whatever the Cubism version. */
export interface ParamAccess {
  has(id: string): boolean;
  get(id: string): number;
  set(id: string, value: number): void;
}
