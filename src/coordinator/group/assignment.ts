// Partition assignments of the consumer group protocol (KIP-848): topic id → partition numbers.
//
// Assignments are treated as immutable values: every change builds a new map. On the wire and in
// records they become lists sorted by topic id then partition, so equal assignments always encode
// to equal bytes.

/** Partitions by topic id (22-character base64url UUID). Never holds an empty partition set. */
export type Assignment = ReadonlyMap<string, ReadonlySet<number>>;

export const EMPTY_ASSIGNMENT: Assignment = new Map();

export interface TopicPartitionsEntry {
  topicId: string;
  partitions: number[];
}

export function assignmentFromTopicPartitions(
  list: readonly { topicId: string; partitions: readonly number[] }[],
): Assignment {
  const out = new Map<string, Set<number>>();
  for (const { topicId, partitions } of list) {
    if (partitions.length === 0) continue;
    let set = out.get(topicId);
    if (set === undefined) out.set(topicId, (set = new Set()));
    for (const p of partitions) set.add(p);
  }
  return out;
}

/** Sorted by topic id, partitions ascending. */
export function assignmentToTopicPartitions(a: Assignment): TopicPartitionsEntry[] {
  return [...a.keys()].sort(compareStrings).map((topicId) => ({
    topicId,
    partitions: [...(a.get(topicId) ?? [])].sort((x, y) => x - y),
  }));
}

export function assignmentsEqual(a: Assignment, b: Assignment): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [topicId, partitions] of a) {
    const other = b.get(topicId);
    if (other === undefined || other.size !== partitions.size) return false;
    for (const p of partitions) if (!other.has(p)) return false;
  }
  return true;
}

export function assignmentSize(a: Assignment): number {
  let n = 0;
  for (const partitions of a.values()) n += partitions.size;
  return n;
}

export function assignmentHas(a: Assignment, topicId: string, partition: number): boolean {
  return a.get(topicId)?.has(partition) === true;
}

/** A mutable copy, for builders. */
export function copyAssignment(a: Assignment): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [topicId, partitions] of a) out.set(topicId, new Set(partitions));
  return out;
}

/** Adds one partition to a mutable assignment. */
export function addPartition(
  a: Map<string, Set<number>>,
  topicId: string,
  partition: number,
): void {
  let set = a.get(topicId);
  if (set === undefined) a.set(topicId, (set = new Set()));
  set.add(partition);
}

/** Removes one partition from a mutable assignment, dropping the topic when it empties. */
export function removePartition(
  a: Map<string, Set<number>>,
  topicId: string,
  partition: number,
): void {
  const set = a.get(topicId);
  if (set === undefined) return;
  set.delete(partition);
  if (set.size === 0) a.delete(topicId);
}

/** Code-unit order, as Java's String.compareTo sorts ASCII ids. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
