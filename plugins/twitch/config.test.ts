import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ROOT_DIR } from '../../src/config/env.ts';
import { TwitchConfigSchema } from './config.ts';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

test('config.example.yaml documents every plugins.twitch key with its default', () => {
  const template = parse(readFileSync(path.join(ROOT_DIR, 'plugins', 'twitch', 'config.example.yaml'), 'utf8')) as { plugins: { twitch: unknown } };
  const fromTemplate = TwitchConfigSchema.parse(template.plugins.twitch);
  const defaults = TwitchConfigSchema.parse({});
  assert.deepEqual(keys(template.plugins.twitch).sort(), keys(defaults).sort());
  assert.deepEqual(fromTemplate, defaults);
});
