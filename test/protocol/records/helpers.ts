// Shared by the record batch tests: arbitraries for records and a typed-error assertion.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isSamsaError } from '../../../src/errors/samsa-error.js';
import type { SamsaErrorCode } from '../../../src/errors/samsa-error.js';
import type { RecordInput } from '../../../src/protocol/records/build-record-batch.js';
import type { KafkaRecord } from '../../../src/protocol/records/record.js';

export const RUNS = Number(process.env.SAMSA_PROPERTY_RUNS ?? 25);

const bytesArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
  // Compressible values, so codecs do real work rather than store.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 8 }), fc.nat(400))
      .map(([s, n]) => Buffer.from(s.repeat(n))),
  },
);

export const recordInputArb: fc.Arbitrary<RecordInput> = fc.record({
  key: bytesArb,
  value: bytesArb,
  headers: fc.array(
    fc.record({ key: fc.string({ maxLength: 20, unit: 'grapheme' }), value: bytesArb }),
    { maxLength: 4 },
  ),
  timestampDelta: fc.oneof(
    fc.integer({ min: -1000, max: 1000 }),
    fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
  ),
});

/** Records with offset deltas that are increasing but may skip, as compaction leaves them. */
export const recordsArb: fc.Arbitrary<RecordInput[]> = fc
  .array(fc.tuple(recordInputArb, fc.nat(3)), { maxLength: 30 })
  .map((pairs) => {
    let offsetDelta = -1;
    return pairs.map(([record, gap]) => {
      offsetDelta += 1 + gap;
      return { ...record, offsetDelta };
    });
  });

export function assertSamsaError(fn: () => unknown, code: SamsaErrorCode): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isSamsaError(err), `expected a SamsaError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

/** Asserts that what was read matches what was built, field by field. */
export function assertRecordsMatch(
  read: readonly KafkaRecord[],
  built: readonly RecordInput[],
  baseOffset: bigint,
  baseTimestamp: bigint,
): void {
  assert.equal(read.length, built.length);
  for (let i = 0; i < built.length; i++) {
    const r = read[i]!;
    const b = built[i]!;
    const delta = BigInt(b.timestampDelta ?? 0);
    assert.equal(r.offsetDelta, b.offsetDelta ?? i);
    assert.equal(r.offset, baseOffset + BigInt(b.offsetDelta ?? i));
    assert.equal(r.timestampDelta, delta);
    assert.equal(r.timestamp, baseTimestamp + delta);
    assert.deepEqual(r.key, b.key ?? null);
    assert.deepEqual(r.value, b.value ?? null);
    assert.deepEqual(
      r.headers,
      (b.headers ?? []).map((h) => ({ key: h.key, value: h.value })),
    );
  }
}
