// Choosing a partition for a record the way Kafka's producer does (BuiltInPartitioner), so a key
// lands on the same partition whether it was produced by Samsa's CLI or by a Java, librdkafka
// (murmur2_random) or KafkaJS (its default, "Java compatible") client:
//
//   keyed:   toPositive(murmur2(keyBytes)) % numPartitions
//   unkeyed: a "sticky" partition, kept until its batch is sent, then another one (KIP-480)
//
// murmur2 is Kafka's variant of MurmurHash2 (Utils.murmur2): seed 0x9747b28c, little-endian words,
// 32-bit signed arithmetic throughout. toPositive clears the sign bit (it is not Math.abs).

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** Kafka's murmur2 of `data`, as the signed 32-bit integer Java's Utils.murmur2 returns. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The last one to three bytes (Java's switch falls through from case 3 to case 1).
  const tail = length & ~3;
  const rest = length & 3;
  if (rest >= 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: the sign bit cleared. */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition Kafka's default partitioner gives a non-null key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}
