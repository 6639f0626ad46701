import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Frame, FrameDecoder } from '../../src/spawner/frame-decoder.ts';

function frame(type: number, id: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(9);
  h.writeUInt8(type, 0);
  h.writeUInt32BE(id, 1);
  h.writeUInt32BE(payload.length, 5);
  return Buffer.concat([h, payload]);
}

test('frames split at every possible chunk boundary decode to the same frames, stdout streamed in order', () => {
  const stdoutA = Buffer.from(Array.from({ length: 300 }, (_, i) => i % 251));
  const stream = Buffer.concat([
    frame(Frame.Spawned, 1, Buffer.from('4242')),
    frame(Frame.Stdout, 1, stdoutA.subarray(0, 200)),
    frame(Frame.Stderr, 2, Buffer.from('warning')),
    frame(Frame.Stdout, 1, stdoutA.subarray(200)),
    frame(Frame.Exit, 2, Buffer.alloc(0)),
    frame(Frame.Exit, 1, Buffer.from('{"code":0,"signal":null}')),
  ]);
  for (const size of [1, 2, 5, 9, 10, 64, 127, stream.length]) {
    const frames: string[] = [];
    const out: Buffer[] = [];
    const d = new FrameDecoder({ frame: (type, id, payload) => frames.push(`${type}:${id}:${payload.toString()}`), stdout: (id, piece) => (assert.equal(id, 1), out.push(Buffer.from(piece))) });
    for (let off = 0; off < stream.length; off += size) d.push(stream.subarray(off, off + size));
    assert.deepEqual(frames, ['1:1:4242', '3:2:warning', '4:2:', '4:1:{"code":0,"signal":null}'], `chunk size ${size}`);
    assert.deepEqual(Buffer.concat(out), stdoutA, `stdout intact at chunk size ${size}`);
  }
});

test('reset drops a partial frame so a new helper starts clean', () => {
  const frames: number[] = [];
  const d = new FrameDecoder({ frame: (type) => frames.push(type), stdout: () => assert.fail('no stdout expected') });
  d.push(frame(Frame.Stderr, 1, Buffer.from('partial message')).subarray(0, 12));
  d.reset();
  d.push(frame(Frame.Exit, 7, Buffer.from('{}')));
  assert.deepEqual(frames, [Frame.Exit]);
});
