import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonSchema } from '../core/tool-registry.ts';
import { looksLikeToolCall, parseToolCallReply, renderToolInstructions } from './prompt-tool-protocol.ts';

const dice = {
  name: 'mcp_dice_roll',
  description: 'Rolls dice',
  parameters: { type: 'object', properties: { sides: { type: 'integer' }, mode: { type: 'string', enum: ['sum', 'max'] } }, required: ['sides'], additionalProperties: false } as JsonSchema,
};

test('instructions list each tool with its schema and the exact JSON shape', () => {
  const text = renderToolInstructions([dice]);
  assert.match(text, /- mcp_dice_roll: Rolls dice/);
  assert.match(text, /"required":\["sides"\]/);
  assert.match(text, /\{"tool": "<tool name>", "arguments": \{<arguments>\}\}/);
  assert.equal(renderToolInstructions([]), '');
});

test('a bare or fenced JSON object is a call', () => {
  assert.deepEqual(parseToolCallReply('{"tool":"mcp_dice_roll","arguments":{"sides":20}}', [dice]), { kind: 'call', name: 'mcp_dice_roll', arguments: { sides: 20 } });
  assert.deepEqual(parseToolCallReply('```json\n{"tool":"mcp_dice_roll","arguments":{"sides":6,"mode":"max"}}\n```', [dice]), {
    kind: 'call',
    name: 'mcp_dice_roll',
    arguments: { sides: 6, mode: 'max' },
  });
});

test('prose is an ordinary answer; prose around JSON is not a call', () => {
  assert.deepEqual(parseToolCallReply('Sure, rolling now!', [dice]), { kind: 'text', text: 'Sure, rolling now!' });
  assert.equal(parseToolCallReply('I will call {"tool":"mcp_dice_roll"}', [dice]).kind, 'text');
});

test('strict parsing names what is wrong', () => {
  const err = (s: string): string => {
    const r = parseToolCallReply(s, [dice]);
    assert.equal(r.kind, 'invalid');
    return r.kind === 'invalid' ? r.error : '';
  };
  assert.match(err('{"tool":"mcp_dice_roll","arguments":{"sides":20}'), /not valid JSON/);
  assert.match(err('{"tool":"web_search","arguments":{}}'), /unknown tool "web_search"; available: mcp_dice_roll/);
  assert.match(err('{"tool":"mcp_dice_roll","arguments":{}}'), /missing required argument "sides"/);
  assert.match(err('{"tool":"mcp_dice_roll","arguments":{"sides":"20"}}'), /argument "sides" must be integer/);
  assert.match(err('{"tool":"mcp_dice_roll","arguments":{"sides":20,"mode":"avg"}}'), /must be one of "sum", "max"/);
  assert.match(err('{"tool":"mcp_dice_roll","arguments":{"sides":20,"color":"red"}}'), /unknown argument "color"/);
  assert.match(err('{"tool":"mcp_dice_roll","args":{}}'), /unexpected key "args"/);
});

test('looksLikeToolCall lets ordinary answers stream from the first characters', () => {
  assert.equal(looksLikeToolCall(''), true);
  assert.equal(looksLikeToolCall('  {"to'), true);
  assert.equal(looksLikeToolCall('```js'), true);
  assert.equal(looksLikeToolCall('Hello'), false);
});
