// Hostile and broken input: every decoder fails with a typed SamsaError (never a RangeError, a
// crash, or an allocation sized by a declared length) on truncated buffers, garbage, lying lengths
// and counts, and over-long varints.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { Apis, Messages } from '../../src/protocol/generated/index.js';
import type { MessageCodec } from '../../src/protocol/api.js';
import { Reader, Writer } from '../../src/protocol/primitives/index.js';
import { SamsaError } from '../../src/errors/samsa-error.js';
import { messageArb } from '../support/spec-arbitraries.js';
import { SPECS } from '../support/specs.js';

const codecs: Record<string, MessageCodec<unknown>> = Messages;

function isDecodeError(err: unknown): boolean {
  return err instanceof SamsaError && err.code.startsWith('SAMSA_ERR_DECODE_');
}

describe('every strict prefix of a valid encoding fails with a decode error', () => {
  for (const spec of SPECS) {
    it(spec.name, () => {
      const codec = codecs[spec.name]!;
      for (let v = spec.validVersions.min; v <= spec.validVersions.max; v++) {
        const [value] = fc.sample(messageArb(spec, v), { numRuns: 1, seed: 42 + v });
        const w = new Writer();
        codec.encode(w, v, value);
        const bytes = w.toBuffer();
        for (let cut = 0; cut < bytes.length; cut++) {
          assert.throws(
            () => codec.decode(new Reader(bytes.subarray(0, cut)), v),
            isDecodeError,
            `${spec.name} v${v} cut at ${cut} of ${bytes.length}`,
          );
        }
      }
    });
  }
});

describe('random bytes decode or fail with a decode error, never anything else', () => {
  for (const api of Object.values(Apis)) {
    it(api.name, () => {
      for (const codec of [api.request, api.response] as MessageCodec<unknown>[]) {
        for (const v of new Set([
          codec.minVersion,
          codec.flexibleMinVersion ?? codec.minVersion,
          codec.maxVersion,
        ])) {
          fc.assert(
            fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
              try {
                codec.decode(new Reader(Buffer.from(bytes)), v);
              } catch (err) {
                if (!isDecodeError(err)) throw err;
              }
            }),
            { numRuns: 40 },
          );
        }
      }
    });
  }
});

test('a huge declared array count is refused before anything is allocated', () => {
  // MetadataRequest v1: Topics is an int32-counted array; claim 2^31-1 topics in 4 bytes.
  const frame = Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  assert.throws(() => Apis.Metadata.request.decode(new Reader(frame), 1), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
    message: /Array count 2147483647 .* 4 bytes remain/,
  });
  // Flexible v12: a compact count of 2^32-2 written as a varint.
  const compact = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0]);
  assert.throws(() => Apis.Metadata.request.decode(new Reader(compact), 12), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
  });
});

test('lying and negative string and bytes lengths are refused', () => {
  const r = (bytes: number[]): Reader => new Reader(Buffer.from(bytes));
  assert.throws(() => r([0x7f, 0xff, 0x61]).readString(), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
  });
  assert.throws(() => r([0xff, 0xfe]).readNullableString(), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
  });
  assert.equal(r([0xff, 0xff]).readNullableString(), null);
  assert.throws(() => r([0xff, 0xff]).readString(), { code: 'SAMSA_ERR_DECODE_INVALID_LENGTH' });
  assert.throws(() => r([0x7f, 0xff, 0xff, 0xff]).readBytes(), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
  });
  assert.throws(() => r([0x80, 0x80, 0x04]).readCompactBytes(), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
  });
  assert.throws(() => r([0x00]).readCompactString(), { code: 'SAMSA_ERR_DECODE_INVALID_LENGTH' });
  assert.equal(r([0x00]).readCompactNullableString(), null);
});

test('an over-long varint is refused', () => {
  const r = new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
  assert.throws(() => r.readUVarint(), { code: 'SAMSA_ERR_DECODE_INVALID_VARINT' });
  const long = new Reader(Buffer.alloc(12, 0xff));
  assert.throws(() => long.readVarlongBig(), { code: 'SAMSA_ERR_DECODE_INVALID_VARINT' });
  // Inside a flexible message the same bytes fail the decode as a whole.
  assert.throws(() => Apis.ApiVersions.request.decode(new Reader(Buffer.alloc(8, 0xff)), 3), {
    code: 'SAMSA_ERR_DECODE_INVALID_VARINT',
  });
});

test('a tagged field whose declared size disagrees with its value is refused', () => {
  // ApiVersionsResponse v3 ends with its tagged fields; ZkMigrationReady is tag 3, a 1-byte bool.
  const message = { ...Apis.ApiVersions.response.create(), zkMigrationReady: true };
  const w = new Writer();
  Apis.ApiVersions.response.encode(w, 3, message);
  const bytes = w.toBuffer();
  assert.deepEqual([...bytes.subarray(-4)], [1, 3, 1, 1], 'one tagged field: tag 3, size 1, true');
  assert.equal(Apis.ApiVersions.response.decode(new Reader(bytes), 3).zkMigrationReady, true);
  // Declare 2 bytes for the 1-byte value.
  const lying = Buffer.concat([bytes.subarray(0, -2), Buffer.from([2, 1, 0])]);
  assert.throws(() => Apis.ApiVersions.response.decode(new Reader(lying), 3), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
    message: /Tagged field 3 left 1 of its declared bytes unread/,
  });
  // Declare more bytes than the buffer holds.
  const past = Buffer.concat([bytes.subarray(0, -2), Buffer.from([9, 1])]);
  assert.throws(() => Apis.ApiVersions.response.decode(new Reader(past), 3), {
    code: 'SAMSA_ERR_DECODE_INVALID_LENGTH',
  });
});
