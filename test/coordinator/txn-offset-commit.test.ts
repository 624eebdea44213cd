// TxnOffsetCommit on the group coordinator shard: offsets stay pending until the transaction's
// marker, OffsetFetch with requireStable reports UNSTABLE_OFFSET_COMMIT meanwhile, COMMIT applies
// them, ABORT drops them, a later plain commit wins, and a replay of the partition (records with
// the batch's producer id, then the marker) rebuilds exactly the same state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCoordinatorShard } from '../../src/coordinator/group/index.js';
import { ErrorCodes } from '../../src/errors/kafka-error.js';
import type { TxnOffsetCommitRequest } from '../../src/protocol/generated/api/txn-offset-commit.js';
import { harness, joinRequest } from './helpers.js';

const E = ErrorCodes;

function txnCommit(
  producerId: bigint,
  offsets: [topic: string, partition: number, offset: bigint][],
  overrides: Partial<TxnOffsetCommitRequest> = {},
): TxnOffsetCommitRequest {
  return {
    transactionalId: 'tx',
    groupId: 'g',
    producerId,
    producerEpoch: 0,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: offsets.map(([name, partitionIndex, committedOffset]) => ({
      name,
      partitions: [
        { partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: 'm' },
      ],
    })),
    ...overrides,
  };
}

/** Every record with the producer id of its batch, and the markers, as the partition holds them. */
type Entry =
  { key: Buffer; value: Buffer | null; producerId: bigint } | { marker: bigint; commit: boolean };

function fetch(shard: GroupCoordinatorShard, requireStable: boolean, partitions = [0, 1]) {
  return shard
    .offsetFetch(
      {
        groupId: 'g',
        topics: [{ name: 't', partitionIndexes: partitions }],
        requireStable,
        groups: [],
      },
      { apiVersion: 7, clientId: 'c', clientHost: '/127.0.0.1' },
    )
    .response.topics[0]?.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode]);
}

function replayAll(entries: Entry[]): GroupCoordinatorShard {
  const shard = new GroupCoordinatorShard({ clock: () => 0 });
  for (const e of entries) {
    if ('marker' in e) shard.replayEndTransactionMarker(e.marker, e.commit);
    else shard.replay(e.key, e.value, e.producerId);
  }
  return shard;
}

test('transactional offsets are invisible until COMMIT, unstable to requireStable, gone on ABORT', () => {
  const h = harness();
  const entries: Entry[] = [];
  const commit = (producerId: bigint, offsets: [string, number, bigint][]) => {
    const result = h.shard.txnOffsetCommit(txnCommit(producerId, offsets), h.ctx(3));
    assert.deepEqual(result.transaction, { producerId, producerEpoch: 0 });
    for (const r of result.records) entries.push({ ...r, producerId });
    return result.response.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
  };
  const marker = (producerId: bigint, isCommit: boolean) => {
    h.shard.replayEndTransactionMarker(producerId, isCommit);
    entries.push({ marker: producerId, commit: isCommit });
  };

  assert.deepEqual(commit(7n, [['t', 0, 10n]]), [0]);
  assert.deepEqual(fetch(h.shard, false), [
    [0, -1n, 0],
    [1, -1n, 0],
  ]);
  assert.deepEqual(fetch(h.shard, true), [
    [0, -1n, E.UNSTABLE_OFFSET_COMMIT.code],
    [1, -1n, 0],
  ]);
  marker(7n, true);
  assert.deepEqual(fetch(h.shard, true), [
    [0, 10n, 0],
    [1, -1n, 0],
  ]);

  assert.deepEqual(commit(8n, [['t', 1, 20n]]), [0]);
  marker(8n, false);
  assert.deepEqual(fetch(h.shard, true), [
    [0, 10n, 0],
    [1, -1n, 0],
  ]);

  assert.deepEqual(replayAll(entries).snapshot(), h.shard.snapshot());
});

test('a plain commit after a pending transactional one wins when the transaction commits', () => {
  const h = harness();
  const entries: Entry[] = [];
  const txn = h.shard.txnOffsetCommit(txnCommit(9n, [['t', 0, 5n]]), h.ctx(3));
  for (const r of txn.records) entries.push({ ...r, producerId: 9n });
  const plain = h.shard.offsetCommit(
    {
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 42n,
              committedLeaderEpoch: -1,
              commitTimestamp: -1n,
              committedMetadata: null,
            },
          ],
        },
      ],
    },
    h.ctx(8),
  );
  for (const r of plain.records) entries.push({ ...r, producerId: -1n });
  h.shard.replayEndTransactionMarker(9n, true);
  entries.push({ marker: 9n, commit: true });
  assert.deepEqual(fetch(h.shard, true, [0]), [[0, 42n, 0]]);
  assert.deepEqual(replayAll(entries).snapshot(), h.shard.snapshot());
});

test('TxnOffsetCommit is validated like OffsetCommit: members, generations, metadata size', () => {
  const h = harness();
  const unknownGroup = h.shard.txnOffsetCommit(
    txnCommit(1n, [['t', 0, 1n]], { generationId: 3, memberId: 'm' }),
    h.ctx(3),
  );
  assert.deepEqual(unknownGroup.records, []);
  assert.equal(
    unknownGroup.response.topics[0]?.partitions[0]?.errorCode,
    E.ILLEGAL_GENERATION.code,
  );
  const tooLarge = h.shard.txnOffsetCommit(
    {
      ...txnCommit(1n, []),
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 1n,
              committedLeaderEpoch: -1,
              committedMetadata: 'x'.repeat(5000),
            },
          ],
        },
      ],
    },
    h.ctx(3),
  );
  assert.equal(
    tooLarge.response.topics[0]?.partitions[0]?.errorCode,
    E.OFFSET_METADATA_TOO_LARGE.code,
  );
  const emptyGroup = h.shard.txnOffsetCommit(
    txnCommit(1n, [['t', 0, 1n]], { groupId: '' }),
    h.ctx(3),
  );
  assert.equal(emptyGroup.response.topics[0]?.partitions[0]?.errorCode, E.INVALID_GROUP_ID.code);
});

test('TxnOffsetCommit without a member id is accepted while the group has members (KafkaJS sendOffsets)', async () => {
  const h = harness();
  const joining = h.shard.joinGroup(joinRequest('g'), h.ctx(3));
  h.shard.tick(h.clock.now); // the join phase completes on the timer
  const join = await joining.response;
  assert.equal(join.errorCode, 0);
  const anonymous = h.shard.txnOffsetCommit(txnCommit(5n, [['t', 0, 3n]]), h.ctx(0));
  assert.equal(anonymous.response.topics[0]?.partitions[0]?.errorCode, 0);
  const stranger = h.shard.txnOffsetCommit(
    txnCommit(5n, [['t', 0, 3n]], { memberId: 'nobody', generationId: join.generationId }),
    h.ctx(3),
  );
  assert.equal(stranger.response.topics[0]?.partitions[0]?.errorCode, E.UNKNOWN_MEMBER_ID.code);
  const plain = h.shard.offsetCommit(
    {
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [],
    },
    h.ctx(8),
  );
  assert.deepEqual(plain.records, [], 'a plain commit without a member still needs an empty group');
});
