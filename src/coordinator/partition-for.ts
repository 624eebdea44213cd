// Which partition of a coordinator's internal topic owns a key: Kafka hashes group ids onto
// `__consumer_offsets` (GroupCoordinator.partitionFor) and transactional ids onto
// `__transaction_state` (TransactionStateManager.partitionFor) the same way, with Java's
// String.hashCode. Clients never compute it (FindCoordinator asks the broker), but every broker
// of a cluster and any Kafka broker reading the same topic must agree, so it is Kafka's exactly.

/** Java's String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's `Utils.abs(key.hashCode) % partitions` (Utils.abs maps Integer.MIN_VALUE to 0). */
export function partitionFor(key: string, partitions: number): number {
  const h = javaStringHashCode(key);
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitions;
}
