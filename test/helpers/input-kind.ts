import assert from 'node:assert/strict';
import type { InputItem, InputKind, InputOf } from '../../src/core/input.ts';

/** Asserts the input is of `kind` and returns it typed, so a test can read that kind's fields. */
export function expectKind<K extends InputKind>(item: InputItem | undefined, kind: K): InputOf<K> {
  assert.equal(item?.kind, kind, `expected a ${kind} input`);
  return item as InputOf<K>;
}
