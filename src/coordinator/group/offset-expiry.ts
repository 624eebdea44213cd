// offsets.retention.minutes: Kafka's GroupCoordinatorShard.cleanupGroupMetadata with
// OffsetMetadataManager.cleanupExpiredOffsets and GroupMetadataManager.maybeDeleteGroup, run by
// the shard's `tick` every offsets.retention.check.interval.ms.
//
// For each group: every committed offset of a topic the group does not subscribe to expires when
// the group's expiration condition says so (see ClassicGroup.offsetExpirationBase) — an offset
// committed with an explicit retention (OffsetCommit v2-4) expires at its own expireTimestamp
// instead. Each expired offset becomes a tombstone. A group left with no offsets that is Empty is
// deleted with a GroupMetadata tombstone; this also removes Empty groups that never had offsets.

import { ClassicGroup } from './classic-group.js';
import { groupMetadataRecord, offsetCommitRecord, type CoordinatorRecord } from './records.js';
import type { OffsetAndMetadata } from './offset-store.js';
import type { GroupCoordinatorShard } from './group-coordinator-shard.js';

/** Kafka's OffsetExpirationConditionImpl.isOffsetExpired. */
export function isOffsetExpired(
  offset: OffsetAndMetadata,
  base: (offset: OffsetAndMetadata) => bigint,
  now: bigint,
  retentionMs: bigint,
): boolean {
  if (offset.expireTimestamp !== -1n) return now >= offset.expireTimestamp;
  return now - base(offset) >= retentionMs;
}

/**
 * Tombstones the group's expired offsets (removing them from the shard); true if the group has
 * no offsets left.
 */
function cleanupExpiredOffsets(
  shard: GroupCoordinatorShard,
  group: ClassicGroup,
  now: number,
  records: CoordinatorRecord[],
): boolean {
  const offsets = shard.offsets.list(group.groupId);
  if (offsets.length === 0) return true;
  const base = group.offsetExpirationBase();
  if (base === null) return false;
  const retentionMs = BigInt(shard.config.offsetsRetentionMs);
  let allExpired = true;
  for (const { topic, partition, offset } of offsets) {
    if (
      !group.isSubscribedToTopic(topic) &&
      isOffsetExpired(offset, base, BigInt(now), retentionMs)
    ) {
      shard.offsets.delete(group.groupId, topic, partition);
      records.push(offsetCommitRecord({ group: group.groupId, topic, partition }, null));
    } else {
      allExpired = false;
    }
  }
  return allExpired;
}

/** One expiry pass over every group of the shard; returns the tombstones to append. */
export function cleanupGroupMetadata(
  shard: GroupCoordinatorShard,
  now: number,
): CoordinatorRecord[] {
  const records: CoordinatorRecord[] = [];
  for (const [groupId, group] of [...shard.groups]) {
    // Other group types (KIP-848) have their own expiration condition and tombstones.
    if (!(group instanceof ClassicGroup)) continue;
    if (cleanupExpiredOffsets(shard, group, now, records) && group.state === 'Empty') {
      records.push(groupMetadataRecord(groupId, null));
      group.state = 'Dead';
      shard.groups.delete(groupId);
    }
  }
  return records;
}
