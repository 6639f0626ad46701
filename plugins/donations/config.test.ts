import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ROOT_DIR } from '../../src/config/env.ts';
import { DonationsConfigSchema } from './config.ts';

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

test('config.example.yaml documents every plugins.donations key with its default (moderation: see Twitch)', () => {
  const template = parse(readFileSync(path.join(ROOT_DIR, 'plugins', 'donations', 'config.example.yaml'), 'utf8')) as { plugins: { donations: unknown } };
  const defaults = DonationsConfigSchema.parse({});
  assert.deepEqual(DonationsConfigSchema.parse(template.plugins.donations), defaults);
  const own = (k: string): boolean => !k.startsWith('moderation');
  assert.deepEqual(keys(template.plugins.donations).filter(own).sort(), keys(defaults).filter(own).sort());
});

test('a bad setting is refused with the field named', () => {
  const bad = DonationsConfigSchema.safeParse({ streamlabs: { token_env: 'my token' }, donationalerts: { url: 'http://not-a-websocket' } });
  assert.equal(bad.success, false);
  const paths = bad.error?.issues.map((i) => i.path.join('.')) ?? [];
  assert.ok(paths.includes('streamlabs.token_env'));
  assert.ok(paths.includes('donationalerts.url'));
  assert.equal(DonationsConfigSchema.safeParse({ streamelements: { token: 'secret-in-config' } }).success, false, 'a token in the config itself is an unknown key');
});
