import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SseParser } from './sse-parser.ts';
import { ThinkFilter, type ThinkPiece } from './think-filter.ts';

function run(filter: ThinkFilter, parts: string[]): { text: string; reasoning: string } {
  const pieces: ThinkPiece[] = [...parts.flatMap((p) => filter.push(p)), ...filter.end()];
  const join = (kind: ThinkPiece['kind']): string => pieces.filter((p) => p.kind === kind).map((p) => p.text).join('');
  return { text: join('text'), reasoning: join('reasoning') };
}

test('think filter hides tags cut at every possible position', () => {
  const whole = 'Hey <think>secret plan</think>there <thinking>more</thinking>pal';
  for (let i = 1; i < whole.length; i++) {
    for (const j of [i + 1, i + 3, i + 7]) {
      if (j >= whole.length) continue;
      const out = run(new ThinkFilter(), [whole.slice(0, i), whole.slice(i, j), whole.slice(j)]);
      assert.equal(out.text, 'Hey there pal', `cut at ${i}/${j}`);
      assert.equal(out.reasoning, 'secret planmore');
    }
  }
});

test('think filter keeps lookalike text, drops stray closing tags, and can start inside a block', () => {
  assert.deepEqual(run(new ThinkFilter(), ['a <', 'b> and x < y']), { text: 'a <b> and x < y', reasoning: '' });
  assert.deepEqual(run(new ThinkFilter(), ['plan</th', 'ink>Hello']), { text: 'planHello', reasoning: '' });
  assert.deepEqual(run(new ThinkFilter({ startInThink: true }), ['plan</th', 'ink>Hello']), { text: 'Hello', reasoning: 'plan' });
  assert.deepEqual(run(new ThinkFilter(), ['ends with <thi']), { text: 'ends with <thi', reasoning: '' });
});

test('SSE parser joins data lines, skips comments and handles CRLF split across chunks', () => {
  const p = new SseParser();
  const events = [
    ...p.push(': OPENROUTER PROCESSING\r'),
    ...p.push('\n\r\ndata: {"a":'),
    ...p.push('1}\r'),
    ...p.push('\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata:[DONE]'),
    ...p.end(),
  ];
  assert.deepEqual(events, ['{"a":1}', 'line1\nline2', '[DONE]']);
});
