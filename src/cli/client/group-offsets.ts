// A group's committed offsets: OffsetFetch and OffsetCommit at the group's coordinator, at
// whichever version the coordinator speaks (v8+ OffsetFetch names groups in a list; older versions
// name one group). Used by members (commit their positions, start from the committed ones) and by
// `samsa groups` (lag, --reset-offsets), which commit as an admin: generation -1, no member id,
// accepted by the coordinator only while the group has no members.
import { Apis } from '../../protocol/generated/index.js';
import type { KafkaError } from '../../errors/kafka-error.js';
import { kafkaErrorFor, throwIfError } from './errors.js';
import type { KafkaClient } from './kafka-client.js';
import { tpKey, type TopicPartition } from './list-offsets.js';

export interface CommittedOffset extends TopicPartition {
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetToCommit extends TopicPartition {
  offset: bigint;
  leaderEpoch?: number;
  metadata?: string | null;
}

export interface CommitIdentity {
  /** The generation (classic) or member epoch (KIP-848); -1 for an admin commit. */
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
}

export const ADMIN_COMMIT: CommitIdentity = {
  generationIdOrMemberEpoch: -1,
  memberId: '',
  groupInstanceId: null,
};

/**
 * The group's committed offsets (for `partitions`, or every partition when null), keyed by
 * tpKey; partitions without a committed offset are left out. A group that does not exist has none.
 */
export async function fetchCommittedOffsets(
  client: KafkaClient,
  groupId: string,
  partitions: readonly TopicPartition[] | null,
  options: { requireStable?: boolean; memberId?: string | null; memberEpoch?: number } = {},
): Promise<Map<string, CommittedOffset>> {
  let topics: { name: string; partitionIndexes: number[] }[] | null = null;
  if (partitions !== null) {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions)
      byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    topics = [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  }
  return client.withCoordinator('group', groupId, async (conn) => {
    const version = conn.versionFor(Apis.OffsetFetch);
    const out = new Map<string, CommittedOffset>();
    const add = (
      topic: string,
      p: {
        partitionIndex: number;
        committedOffset: bigint;
        committedLeaderEpoch: number;
        metadata: string | null;
        errorCode: number;
      },
    ): void => {
      throwIfError(p.errorCode);
      if (p.committedOffset < 0n) return;
      out.set(tpKey(topic, p.partitionIndex), {
        topic,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.metadata,
      });
    };
    if (version >= 8) {
      const response = await conn.send(
        Apis.OffsetFetch,
        {
          groups: [
            {
              groupId,
              memberId: options.memberId ?? null,
              memberEpoch: options.memberEpoch ?? -1,
              topics,
            },
          ],
          requireStable: options.requireStable === true,
        },
        { version },
      );
      const group = response.groups[0];
      if (group !== undefined) {
        throwIfError(group.errorCode);
        for (const t of group.topics) for (const p of t.partitions) add(t.name, p);
      }
      return out;
    }
    if (topics === null && version < 2) {
      throw kafkaErrorFor(35, `OffsetFetch v${version} cannot list every partition of a group`);
    }
    const response = await conn.send(
      Apis.OffsetFetch,
      {
        groupId,
        topics,
        ...(version >= 7 ? { requireStable: options.requireStable === true } : {}),
      },
      { version },
    );
    throwIfError(response.errorCode);
    for (const t of response.topics) for (const p of t.partitions) add(t.name, p);
    return out;
  });
}

/** Commits `offsets` for the group; returns the partitions that failed, with their errors. */
export async function commitOffsets(
  client: KafkaClient,
  groupId: string,
  offsets: readonly OffsetToCommit[],
  identity: CommitIdentity = ADMIN_COMMIT,
): Promise<Map<string, KafkaError>> {
  const failed = new Map<string, KafkaError>();
  if (offsets.length === 0) return failed;
  const byTopic = new Map<string, OffsetToCommit[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
  return client.withCoordinator('group', groupId, async (conn) => {
    const response = await conn.send(Apis.OffsetCommit, {
      groupId,
      generationIdOrMemberEpoch: identity.generationIdOrMemberEpoch,
      memberId: identity.memberId,
      groupInstanceId: identity.groupInstanceId,
      retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedLeaderEpoch: o.leaderEpoch ?? -1,
          commitTimestamp: -1n,
          committedMetadata: o.metadata ?? '',
        })),
      })),
    });
    for (const t of response.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === 0) continue;
        const err = kafkaErrorFor(p.errorCode);
        // Wrong coordinator: let withCoordinator look it up again and retry the whole commit.
        if (err.errorName === 'NOT_COORDINATOR' || err.errorName === 'COORDINATOR_NOT_AVAILABLE') {
          throw err;
        }
        failed.set(tpKey(t.name, p.partitionIndex), err);
      }
    }
    return failed;
  });
}
