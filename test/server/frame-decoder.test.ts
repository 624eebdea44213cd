// Framing is byte-stream agnostic: however the stream is cut into chunks, the same frames come out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrameDecoder } from '../../src/server/frame-decoder.js';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

test('frames come out whole and in order whatever the chunk boundaries', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      (bodies, cuts) => {
        const stream = Buffer.concat(bodies.map((b) => frame(Buffer.from(b))));
        const decoder = new FrameDecoder(1024);
        const out: Buffer[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          out.push(...decoder.push(stream.subarray(at, at + size)));
          at += size;
        }
        assert.deepEqual(
          out.map((b) => [...b]),
          bodies.map((b) => [...b]),
        );
        assert.equal(decoder.bufferedBytes, 0);
      },
    ),
  );
});

test('a frame inside one chunk is a slice of it; the size limit is checked before buffering', () => {
  const chunk = Buffer.concat([frame(Buffer.from('abc')), frame(Buffer.from('de'))]);
  const [first, second] = new FrameDecoder(10).push(chunk);
  assert.equal(first!.buffer, chunk.buffer, 'zero-copy');
  assert.equal(second!.toString(), 'de');
  const decoder = new FrameDecoder(10);
  const huge = Buffer.alloc(4);
  huge.writeInt32BE(0x7fffffff);
  assert.throws(() => decoder.push(huge.subarray(0, 2)) && decoder.push(huge.subarray(2)), {
    code: 'SAMSA_ERR_FRAME_TOO_LARGE',
  });
  assert.throws(() => new FrameDecoder(10).push(Buffer.from([0xff, 0xff, 0xff, 0xfe])), {
    code: 'SAMSA_ERR_FRAME_TOO_LARGE',
  });
});
