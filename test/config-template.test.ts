import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isMap, isPair, isScalar, parseDocument, type Node, type Pair } from 'yaml';
import { ROOT_DIR } from '../src/config/env.ts';
import { ConfigSchema } from '../src/config-schema.ts';
import { schemaKeyPaths } from '../src/config/schema-keys.ts';

const templatePath = path.join(ROOT_DIR, 'config_templates', 'conf.default.yaml');
const doc = parseDocument(readFileSync(templatePath, 'utf8'));

test('every schema key appears in the config template, so the two cannot drift apart', () => {
  const missing = schemaKeyPaths(ConfigSchema)
    .filter((p) => !doc.hasIn(p))
    .map((p) => p.join('.'));
  assert.deepEqual(missing, [], `keys missing from ${templatePath}: ${missing.join(', ')}`);
});

test('the template validates strictly and equals the schema defaults', () => {
  const parsed = ConfigSchema.safeParse(doc.toJS());
  assert.ok(parsed.success, parsed.success ? '' : parsed.error.message);
  const defaults = ConfigSchema.parse({});
  assert.deepEqual(parsed.data, defaults, 'template values differ from schema defaults');
});

test('every key in the template is documented by a comment', () => {
  const undocumented: string[] = [];
  const walk = (node: Node | null | undefined, prefix: string[]): void => {
    if (!isMap(node)) return;
    let prev: Pair | undefined;
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key)) continue;
      const key = String(item.key.value);
      const keyNode = item.key;
      const documented = Boolean(keyNode.commentBefore) || Boolean((item.value as Node | null)?.comment) || (prev === undefined && Boolean(node.commentBefore));
      // A nested map documents itself through its parent's comment or its own keys' comments.
      if (!documented && !isMap(item.value)) undocumented.push([...prefix, key].join('.'));
      walk(item.value as Node, [...prefix, key]);
      prev = item;
    }
  };
  walk(doc.contents as Node, []);
  assert.deepEqual(undocumented, [], `keys without a comment in the template: ${undocumented.join(', ')}`);
});
