// The log-level APIs over the wire at every version: OffsetForLeaderEpoch, DescribeLogDirs and
// ListOffsets' v0 layout, after real writes to the log.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import type { WireClient } from './wire-client.js';
import { newTopic, withBroker } from './support.js';

async function produce(
  client: WireClient,
  topic: string,
  partition: number,
  count: number,
): Promise<void> {
  const records = Array.from({ length: count }, (_, i) => ({
    key: Buffer.from(`k${i}`),
    value: Buffer.from(`v${i}`),
    headers: [],
    timestamp: 1_700_000_000_000n + BigInt(i),
  }));
  const res = await client.send(Apis.Produce, 9, {
    ...Apis.Produce.request.create(),
    acks: 1,
    timeoutMs: 1000,
    topicData: [
      {
        name: topic,
        partitionData: [{ index: partition, records: buildRecordBatch({ records }) }],
      },
    ],
  });
  assert.equal(res.responses[0]?.partitionResponses[0]?.errorCode, 0);
}

test('OffsetForLeaderEpoch v0-4: the end offset of epoch 0 is the log end; errors per partition', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('epochs', 2)] });
    await produce(client, 'epochs', 0, 5);
    for (let v = 0; v <= 4; v++) {
      const res = await client.send(Apis.OffsetForLeaderEpoch, v, {
        replicaId: -1,
        topics: [
          {
            topic: 'epochs',
            partitions: [
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 },
              { partition: 1, currentLeaderEpoch: -1, leaderEpoch: 0 },
              { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 7 },
              { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 },
              ...(v >= 2 ? [{ partition: 0, currentLeaderEpoch: 3, leaderEpoch: 0 }] : []),
            ],
          },
          {
            topic: 'missing',
            partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }],
          },
        ],
      });
      const rows = res.topics.flatMap((t) =>
        t.partitions.map((p) => [t.topic, p.partition, p.errorCode, p.leaderEpoch, p.endOffset]),
      );
      const epoch = (e: number): number => (v >= 1 ? e : -1);
      assert.deepEqual(
        rows,
        [
          ['epochs', 0, 0, epoch(0), 5n],
          // An empty partition has no epoch yet.
          ['epochs', 1, 0, epoch(-1), -1n],
          // An epoch newer than any in the log is unknown.
          ['epochs', 0, 0, epoch(-1), -1n],
          ['epochs', 9, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION.code, -1, -1n],
          ...(v >= 2 ? [['epochs', 0, ErrorCodes.UNKNOWN_LEADER_EPOCH.code, -1, -1n]] : []),
          ['missing', 0, ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION.code, -1, -1n],
        ],
        `v${v}`,
      );
    }
  });
});

test('DescribeLogDirs v0-4: the log dir with each partition and its size; a topic filter; disk space from v4', async () => {
  await withBroker(async (client, broker) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('sized', 2), newTopic('other')] });
    await produce(client, 'sized', 1, 3);
    for (let v = 0; v <= 4; v++) {
      const all = await client.send(Apis.DescribeLogDirs, v, { topics: null });
      assert.equal(all.results.length, 1);
      const dir = all.results[0]!;
      assert.equal(dir.errorCode, 0);
      assert.equal(dir.logDir, resolve(broker.dataDir));
      const sizes = Object.fromEntries(
        dir.topics.flatMap((t) =>
          t.partitions.map((p) => [`${t.name}-${p.partitionIndex}`, p.partitionSize]),
        ),
      );
      assert.deepEqual(Object.keys(sizes).sort(), ['other-0', 'sized-0', 'sized-1']);
      assert.equal(sizes['sized-0'], 0n);
      assert.ok(sizes['sized-1']! > 0n, 'the written partition has bytes');
      if (v >= 4)
        assert.ok(dir.totalBytes > 0n && dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes);
      else assert.deepEqual([dir.totalBytes, dir.usableBytes], [-1n, -1n]);

      const filtered = await client.send(Apis.DescribeLogDirs, v, {
        topics: [{ topic: 'sized', partitions: [1] }],
      });
      assert.deepEqual(
        filtered.results[0]!.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]),
        [['sized', [1]]],
      );
    }
  });
});

test('ListOffsets v0 answers in its old layout: a list with the one offset', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('old-style')] });
    await produce(client, 'old-style', 0, 4);
    const res = await client.send(Apis.ListOffsets, 0, {
      replicaId: -1,
      topics: [
        {
          name: 'old-style',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 },
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2n, maxNumOffsets: 1 },
          ],
        },
      ],
    });
    assert.deepEqual(
      res.topics[0]!.partitions.map((p) => [p.errorCode, p.oldStyleOffsets]),
      [
        [0, [4n]],
        [0, [0n]],
      ],
    );
  });
});
