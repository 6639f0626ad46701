import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ObsConfigSchema } from '../config.ts';

test('the example in plugins/obs/README.md is a valid config with every rule allow-listed', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README has a yaml example');
  const doc = parse(block) as { plugins: { obs: unknown } };
  const parsed = ObsConfigSchema.safeParse(doc.plugins.obs);
  assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
  assert.equal(parsed.data.triggers.length, 8);
});

test('defaults connect to OBS on this machine at port 4455 with an empty allow-list', () => {
  const cfg = ObsConfigSchema.parse({});
  assert.equal(cfg.host, '127.0.0.1');
  assert.equal(cfg.port, 4455);
  assert.deepEqual(cfg.allow, { scenes: [], sources: [], text_sources: [], filters: [], media: [], transitions: [], transforms: [], recording: false, streaming: false });
  assert.equal(cfg.request_timeout_ms, 3000);
});

test('unknown keys in a rule are rejected', () => {
  const res = ObsConfigSchema.safeParse({ allow: { scenes: ['BRB'] }, triggers: [{ on: 'idle', idle_ms: 5000, action: { type: 'scene', name: 'BRB' }, durration_ms: 5 }] });
  assert.equal(res.success, false);
});
