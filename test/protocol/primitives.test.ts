import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Apis, Messages } from '../../src/protocol/generated/index.js';
import { Reader, Writer } from '../../src/protocol/primitives/index.js';

test('varints use LEB128 with zig-zag for signed values', () => {
  assert.deepEqual([...new Writer().writeUVarint(300).toBuffer()], [0xac, 0x02]);
  assert.deepEqual([...new Writer().writeVarint(-1).toBuffer()], [0x01]);
  assert.deepEqual([...new Writer().writeVarint(1).toBuffer()], [0x02]);
  assert.deepEqual([...new Writer().writeVarint(-64).toBuffer()], [0x7f]);
  assert.deepEqual(
    [...new Writer().writeUVarint(0xffffffff).toBuffer()],
    [0xff, 0xff, 0xff, 0xff, 0x0f],
  );
  fc.assert(
    fc.property(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      (i, l) => {
        const buf = new Writer().writeVarint(i).writeVarlong(l).toBuffer();
        const r = new Reader(buf);
        assert.equal(r.readVarint(), i);
        assert.equal(r.readVarlongBig(), l);
        assert.equal(r.remaining, 0);
      },
    ),
  );
});

test('uuids travel as 16 bytes and read back as base64url text', () => {
  const text = 'H3KKO4NTRPaCWtEmm3vW7A';
  const bytes = new Writer().writeUuid(text).toBuffer();
  assert.equal(bytes.length, 16);
  assert.equal(new Reader(bytes).readUuid(), text);
  assert.throws(() => new Writer().writeUuid('short'), { code: 'SAMSA_ERR_ENCODE_INVALID_VALUE' });
});

test('records are decoded as zero-copy slices of the request buffer', () => {
  const batch = Buffer.alloc(4096, 7);
  const w = new Writer();
  Apis.Produce.request.encode(w, 9, {
    ...Apis.Produce.request.create(),
    acks: 1,
    topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }],
  });
  // The writer references large values instead of copying them...
  assert.ok(w.toChunks().some((chunk) => chunk === batch));
  const bytes = w.toBuffer();
  const decoded = Apis.Produce.request.decode(new Reader(bytes), 9);
  const records = decoded.topicData[0]!.partitionData[0]!.records!;
  // ...and the reader hands out a view of the input, not a copy.
  assert.equal(records.buffer, bytes.buffer);
  assert.deepEqual(records, batch);
});

test('reserved int32s are patched even after zero-copy chunks and buffer growth', () => {
  const w = new Writer(8);
  const size = w.reserveInt32();
  w.writeRaw(Buffer.alloc(2048, 1));
  const inner = w.reserveInt32();
  for (let i = 0; i < 100; i++) w.writeInt64(BigInt(i));
  w.patchInt32(size, w.length - 4);
  w.patchInt32(inner, 0x01020304);
  const out = w.toBuffer();
  assert.equal(out.length, 4 + 2048 + 4 + 800);
  assert.equal(out.readInt32BE(0), out.length - 4);
  assert.equal(out.readInt32BE(4 + 2048), 0x01020304);
  assert.equal(out.readBigInt64BE(out.length - 8), 99n);
});

test('encoding a non-default value into a version that lacks a non-ignorable field fails', () => {
  // FetchResponse.sessionId exists from v7 and is not ignorable.
  const response = { ...Apis.Fetch.response.create(), sessionId: 42 };
  assert.throws(() => Apis.Fetch.response.encode(new Writer(), 6, response), {
    code: 'SAMSA_ERR_ENCODE_FIELD_NOT_IN_VERSION',
    message: /FetchResponse\.sessionId at version 6/,
  });
  // ThrottleTimeMs is ignorable: dropped silently where it does not exist (v0).
  const throttled = { ...Apis.Fetch.response.create(), throttleTimeMs: 5 };
  assert.doesNotThrow(() => Apis.Fetch.response.encode(new Writer(), 0, throttled));
});

test('null in a version that does not allow it is refused on encode', () => {
  const request = {
    ...Apis.Metadata.request.create(),
    topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: null }],
  };
  assert.doesNotThrow(() => Apis.Metadata.request.encode(new Writer(), 10, request));
  assert.throws(() => Apis.Metadata.request.encode(new Writer(), 9, request), {
    code: 'SAMSA_ERR_ENCODE_INVALID_VALUE',
  });
});

test('request header v2 keeps ClientId as a classic nullable string', () => {
  const header = { requestApiKey: 3, requestApiVersion: 12, correlationId: 7, clientId: 'abc' };
  const w = new Writer();
  Messages.RequestHeader.encode(w, 2, header);
  const bytes = w.toBuffer();
  assert.deepEqual([...bytes], [0, 3, 0, 12, 0, 0, 0, 7, 0, 3, 0x61, 0x62, 0x63, 0]);
  assert.deepEqual(Messages.RequestHeader.decode(new Reader(bytes), 2), header);
});
