import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../src/config/config-error.ts';
import { parseYamlText } from '../src/config/yaml-source.ts';
import { ImportError, parseDocument } from '../src/memory/memory-import.ts';
import { startTestDaemon } from './helpers/test-daemon.ts';

const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');

test('a custom tag in conf.yaml is an error naming file and line, not data', async () => {
  await assert.rejects(
    startTestDaemon({ config: 'server:\n  cors_origins: []\nactive_character: !!js/function "function () { return 1 }"\n' }),
    (err: unknown) => err instanceof ConfigError && /conf\.yaml:3:\d+ .*YAML tag not allowed: tag:yaml\.org,2002:js\/function/.test(err.message),
  );
  assert.throws(() => parseYamlText('x.yaml', 'a: !custom 1\n'), (err: unknown) => err instanceof ConfigError && /x\.yaml:1:4 .*YAML tag not allowed: !custom/.test(err.message));
  // Core-schema tags stay fine.
  assert.deepEqual(parseYamlText('x.yaml', 'a: !!str 5\nb: !!int "7"\n').data, { a: '5', b: 7 });
});

test('alias expansion is limited (no billion laughs)', () => {
  assert.throws(() => parseYamlText('x.yaml', laughs), (err: unknown) => err instanceof ConfigError && /x\.yaml.*YAML error: .*alias/i.test(err.message));
  assert.deepEqual(parseYamlText('x.yaml', 'a: &x [1]\nb: *x\n').data, { a: [1], b: [1] }, 'a few aliases are fine');
});

test('a memory import in YAML refuses custom tags and alias bombs with the line named', () => {
  assert.throws(
    () => parseDocument('items:\n  - text: !!js/function "f()"\n', 'application/yaml'),
    (err: unknown) => err instanceof ImportError && err.status === 400 && err.issues.some((i) => i.field === 'body line 2' && /YAML tag not allowed/.test(i.message)),
  );
  assert.throws(() => parseDocument(laughs, 'application/yaml'), (err: unknown) => err instanceof ImportError && /alias/i.test(err.issues[0]?.message ?? ''));
  assert.deepEqual(parseDocument('items:\n  - text: hello\n', 'application/yaml'), { items: [{ text: 'hello' }] });
});
