// A long-polling Fetch over many empty partitions parks one waiter per partition on one abort
// signal; that is by design, not a leak, and must not make Node print a
// MaxListenersExceededWarning on the broker's stderr. librdkafka's suite (0033, 0042, 0045, 0050,
// 0113: consumers of 11 or more partitions) showed the warning in the broker's log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Apis } from '../../../src/protocol/generated/index.js';
import { newTopic, withBroker, ZERO_UUID } from './support.js';

const PARTITIONS = 16;

test('a long-polling Fetch over 16 empty partitions prints no MaxListenersExceededWarning (librdkafka 0042)', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(`${w.name}: ${w.message}`);
  };
  process.on('warning', onWarning);
  try {
    await withBroker(async (client) => {
      const created = await client.send(Apis.CreateTopics, 7, {
        topics: [newTopic('many', PARTITIONS)],
        timeoutMs: 5000,
        validateOnly: false,
      });
      assert.equal(created.topics[0]?.errorCode, 0);
      const metadata = await client.send(Apis.Metadata, 12, {
        topics: [{ name: 'many', topicId: ZERO_UUID }],
      });
      const topicId = metadata.topics[0]!.topicId;
      const started = Date.now();
      const fetched = await client.send(Apis.Fetch, 13, {
        replicaId: -1,
        maxWaitMs: 300,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: '',
            topicId,
            partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({
              partition,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 16,
              replicaDirectoryId: ZERO_UUID,
            })),
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      });
      assert.ok(Date.now() - started >= 250, 'the fetch long-polled');
      assert.equal(fetched.responses[0]?.partitions.length, PARTITIONS);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    });
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(
    warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
    [],
  );
});
