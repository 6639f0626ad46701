import { z } from 'zod';

/** A character is its file `characters/<name>.yaml`, so its name is only the characters safe in a file name. */
export const CHARACTER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const CHARACTER_NAME_RULE = 'a character name is 1–64 letters, digits, "_" or "-" (it is the file name)';
export const characterNameSchema = z.string().regex(CHARACTER_NAME, CHARACTER_NAME_RULE);
