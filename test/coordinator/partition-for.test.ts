// Coordinator partitions: Kafka's Utils.abs(key.hashCode) % partitions, shared by group ids and
// transactional ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { javaStringHashCode, partitionFor } from '../../src/coordinator/partition-for.js';

/** String.hashCode as the JLS defines it: sum of s[i]·31^(n-1-i), wrapped to a signed int. */
function referenceHashCode(s: string): number {
  let h = 0n;
  for (let i = 0; i < s.length; i++) h = (h * 31n + BigInt(s.charCodeAt(i))) & 0xffffffffn;
  return Number(BigInt.asIntN(32, h));
}

test("Java's String.hashCode: known values", () => {
  assert.equal(javaStringHashCode(''), 0);
  assert.equal(javaStringHashCode('hello'), 99162322);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
});

test('String.hashCode matches the definition, UTF-16 code units included', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
      assert.equal(javaStringHashCode(s), referenceHashCode(s));
    }),
  );
});

test('partitionFor: Utils.abs maps Integer.MIN_VALUE to 0, negatives to their absolute value', () => {
  assert.equal(partitionFor('polygenelubricants', 50), 0);
  const negative = 'txn-10';
  const h = javaStringHashCode(negative);
  assert.ok(h < 0, 'the example hashes to a negative int');
  assert.equal(partitionFor(negative, 50), Math.abs(h) % 50);
  assert.equal(partitionFor('hello', 50), 99162322 % 50);
});
