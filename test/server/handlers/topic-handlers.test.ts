// CreateTopics, DeleteTopics and CreatePartitions through the wire at every version, with the
// requests real clients never send: duplicate names, deletes by id, internal topic names, manual
// assignments, each error path of Kafka's controller.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { ZERO_UUID, newTopic, withBroker } from './support.js';
import type { WireClient } from './wire-client.js';

const code = ErrorCodes;

test('CreateTopics v0-7 create the topic; v5+ carry partitions, replication and configs; v7 the id', async () => {
  await withBroker(async (client) => {
    for (let v = 0; v <= 7; v++) {
      const name = `created-v${v}`;
      const res = await client.send(Apis.CreateTopics, v, {
        topics: [newTopic(name, 2, { configs: [{ name: 'cleanup.policy', value: 'compact' }] })],
      });
      const [result] = res.topics;
      assert.equal(result?.name, name);
      assert.equal(result.errorCode, 0, `v${v}`);
      assert.equal(await metadataTopic(client, name), 2, `v${v} created with 2 partitions`);
      if (v >= 1) assert.equal(result.errorMessage, null);
      if (v >= 5) {
        assert.equal(result.numPartitions, 2);
        assert.equal(result.replicationFactor, 1);
        const configs = new Map(result.configs!.map((c) => [c.name, c]));
        assert.equal(configs.size, 36, 'every topic config');
        assert.deepEqual(
          [configs.get('cleanup.policy')?.value, configs.get('cleanup.policy')?.configSource],
          ['compact', 1],
        );
        assert.deepEqual(
          [configs.get('retention.ms')?.value, configs.get('retention.ms')?.configSource],
          ['604800000', 5],
        );
        const names = result.configs!.map((c) => c.name);
        assert.deepEqual(names, [...names].sort(), 'sorted by name, as Kafka lists them');
      } else {
        assert.equal(result.numPartitions, -1);
      }
      if (v === 7) assert.notEqual(result.topicId, ZERO_UUID);
    }
  });
});

/** The partition count Metadata reports for `name`, or -1 when the topic is unknown. */
async function metadataTopic(client: WireClient, name: string): Promise<number> {
  const res = await client.send(Apis.Metadata, 12, {
    topics: [{ name, topicId: ZERO_UUID }],
    allowAutoTopicCreation: false,
  });
  const [topic] = res.topics;
  return topic?.errorCode === 0 ? topic.partitions.length : -1;
}

test('CreateTopics: a name given twice gets one INVALID_REQUEST, listed last, and is not created', async () => {
  await withBroker(async (client) => {
    const res = await client.send(Apis.CreateTopics, 5, {
      topics: [newTopic('twice'), newTopic('once'), newTopic('twice')],
    });
    assert.deepEqual(
      res.topics.map((t) => [t.name, t.errorCode, t.errorMessage]),
      [
        ['once', 0, null],
        ['twice', code.INVALID_REQUEST.code, 'Duplicate topic name.'],
      ],
    );
    assert.equal(await metadataTopic(client, 'twice'), -1);
    assert.equal(await metadataTopic(client, 'once'), 1);
  });
});

test('CreateTopics validateOnly (v1+) checks everything and creates nothing', async () => {
  await withBroker(async (client) => {
    const res = await client.send(Apis.CreateTopics, 7, {
      topics: [newTopic('dry', 3), newTopic('dry-bad', 0)],
      validateOnly: true,
    });
    assert.deepEqual(
      res.topics.map((t) => [t.name, t.errorCode, t.numPartitions]),
      [
        ['dry', 0, 3],
        ['dry-bad', code.INVALID_PARTITIONS.code, -1],
      ],
    );
    assert.equal(await metadataTopic(client, 'dry'), -1);
  });
});

test('CreateTopics: -1 takes num.partitions; manual assignments set the partitions', async () => {
  await withBroker(
    async (client, broker) => {
      const nodeId = broker.broker.config.nodeId;
      const res = await client.send(Apis.CreateTopics, 5, {
        topics: [
          newTopic('defaults', -1),
          newTopic('manual', -1, {
            assignments: [
              { partitionIndex: 0, brokerIds: [nodeId] },
              { partitionIndex: 1, brokerIds: [nodeId] },
            ],
          }),
          newTopic('both', 2, { assignments: [{ partitionIndex: 0, brokerIds: [nodeId] }] }),
          newTopic('elsewhere', -1, { assignments: [{ partitionIndex: 0, brokerIds: [42] }] }),
        ],
      });
      assert.deepEqual(
        res.topics.map((t) => [t.name, t.errorCode, t.numPartitions]),
        [
          ['defaults', 0, 3],
          ['manual', 0, 2],
          ['both', code.INVALID_REQUEST.code, -1],
          ['elsewhere', code.INVALID_REPLICA_ASSIGNMENT.code, -1],
        ],
      );
    },
    { 'num.partitions': 3 },
  );
});

test('CreateTopics errors: bad name, bad counts, unknown or null config, existing topic', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('exists')] });
    const res = await client.send(Apis.CreateTopics, 4, {
      topics: [
        newTopic('bad name'),
        newTopic('zero', 0),
        newTopic('negative', -2),
        newTopic('rf0', 1, { replicationFactor: 0 }),
        newTopic('rf2', 1, { replicationFactor: 2 }),
        newTopic('unknown-config', 1, { configs: [{ name: 'no.such.config', value: '1' }] }),
        newTopic('null-config', 1, { configs: [{ name: 'retention.ms', value: null }] }),
        newTopic('bad-value', 1, { configs: [{ name: 'retention.ms', value: 'soon' }] }),
        newTopic('exists'),
      ],
    });
    assert.deepEqual(
      res.topics.map((t) => [t.name, t.errorCode]),
      [
        ['bad name', code.INVALID_TOPIC_EXCEPTION.code],
        ['zero', code.INVALID_PARTITIONS.code],
        ['negative', code.INVALID_PARTITIONS.code],
        ['rf0', code.INVALID_REPLICATION_FACTOR.code],
        ['rf2', code.INVALID_REPLICATION_FACTOR.code],
        ['unknown-config', code.INVALID_CONFIG.code],
        ['null-config', code.INVALID_CONFIG.code],
        ['bad-value', code.INVALID_CONFIG.code],
        ['exists', code.TOPIC_ALREADY_EXISTS.code],
      ],
    );
    for (const t of res.topics) assert.ok(t.errorMessage, `${t.name} has a message`);
    // Kafka checks existence before configs and counts.
    const again = await client.send(Apis.CreateTopics, 4, {
      topics: [newTopic('exists', 0, { configs: [{ name: 'no.such.config', value: '1' }] })],
    });
    assert.equal(again.topics[0]?.errorCode, code.TOPIC_ALREADY_EXISTS.code);
    assert.equal(again.topics[0]?.errorMessage, "Topic 'exists' already exists.");
  });
});

test('CreateTopics: __cluster_metadata is refused; __consumer_offsets may be created, as in Kafka', async () => {
  await withBroker(async (client) => {
    const res = await client.send(Apis.CreateTopics, 7, {
      topics: [newTopic('__cluster_metadata'), newTopic('__consumer_offsets', 2)],
    });
    assert.deepEqual(
      res.topics.map((t) => [t.name, t.errorCode, t.errorMessage]),
      [
        [
          '__cluster_metadata',
          code.INVALID_REQUEST.code,
          'Creation of internal topic __cluster_metadata is prohibited.',
        ],
        ['__consumer_offsets', 0, null],
      ],
    );
  });
});

test('DeleteTopics v0-5 delete by name; an unknown name is UNKNOWN_TOPIC_OR_PARTITION', async () => {
  await withBroker(async (client) => {
    for (let v = 0; v <= 5; v++) {
      await client.send(Apis.CreateTopics, 4, { topics: [newTopic(`doomed-${v}`)] });
      const res = await client.send(Apis.DeleteTopics, v, {
        topicNames: [`doomed-${v}`, `never-${v}`],
        timeoutMs: 1000,
      });
      assert.deepEqual(
        res.responses.map((r) => [r.name, r.errorCode]),
        [
          [`doomed-${v}`, 0],
          [`never-${v}`, code.UNKNOWN_TOPIC_OR_PARTITION.code],
        ],
        `v${v}`,
      );
      if (v === 5) {
        assert.equal(res.responses[0]?.errorMessage, null);
        assert.equal(
          res.responses[1]?.errorMessage,
          'This server does not host this topic-partition.',
        );
      }
      assert.equal(await metadataTopic(client, `doomed-${v}`), -1);
    }
  });
});

test('DeleteTopics v6 by id and by name, with every request error Kafka gives', async () => {
  await withBroker(async (client) => {
    const created = await client.send(Apis.CreateTopics, 7, {
      topics: ['by-id', 'by-name', 'both', 'pair', 'twice'].map((n) => newTopic(n)),
    });
    const id = new Map(created.topics.map((t) => [t.name, t.topicId]));
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const res = await client.send(Apis.DeleteTopics, 6, {
      topics: [
        { name: null, topicId: id.get('by-id')! },
        { name: 'by-name', topicId: ZERO_UUID },
        { name: 'both', topicId: id.get('both')! },
        { name: null, topicId: ZERO_UUID },
        { name: null, topicId: unknownId },
        { name: 'twice', topicId: ZERO_UUID },
        { name: 'twice', topicId: ZERO_UUID },
        { name: 'pair', topicId: ZERO_UUID },
        { name: null, topicId: id.get('pair')! },
      ],
      timeoutMs: 1000,
    });
    assert.deepEqual(
      res.responses.map((r) => [r.name, r.topicId, r.errorCode, r.errorMessage]),
      [
        ['by-id', id.get('by-id'), 0, null],
        ['by-name', id.get('by-name'), 0, null],
        [
          'both',
          id.get('both'),
          code.INVALID_REQUEST.code,
          'You may not specify both topic name and topic id.',
        ],
        [null, ZERO_UUID, code.INVALID_REQUEST.code, 'Neither topic name nor id were specified.'],
        [null, unknownId, code.UNKNOWN_TOPIC_ID.code, code.UNKNOWN_TOPIC_ID.message],
        ['twice', ZERO_UUID, code.INVALID_REQUEST.code, 'Duplicate topic name.'],
        [
          'pair',
          id.get('pair'),
          code.INVALID_REQUEST.code,
          'The provided topic name maps to an ID that was already supplied.',
        ],
      ],
    );
    assert.equal(await metadataTopic(client, 'by-id'), -1);
    assert.equal(await metadataTopic(client, 'by-name'), -1);
    for (const kept of ['both', 'twice', 'pair'])
      assert.equal(await metadataTopic(client, kept), 1);
  });
});

test('DeleteTopics with delete.topic.enable=false: INVALID_REQUEST before v3, TOPIC_DELETION_DISABLED after', async () => {
  await withBroker(
    async (client) => {
      await client.send(Apis.CreateTopics, 4, { topics: [newTopic('kept')] });
      for (const [v, expected] of [
        [2, code.INVALID_REQUEST.code],
        [3, code.TOPIC_DELETION_DISABLED.code],
        [5, code.TOPIC_DELETION_DISABLED.code],
      ] as const) {
        const res = await client.send(Apis.DeleteTopics, v, {
          topicNames: ['kept', 'unknown'],
          timeoutMs: 1000,
        });
        assert.deepEqual(
          res.responses.map((r) => [r.name, r.errorCode]),
          [
            ['kept', expected],
            ['unknown', expected],
          ],
        );
      }
      const v6 = await client.send(Apis.DeleteTopics, 6, {
        topics: [{ name: 'kept', topicId: ZERO_UUID }],
        timeoutMs: 1000,
      });
      assert.equal(v6.responses[0]?.errorCode, code.TOPIC_DELETION_DISABLED.code);
      assert.equal(await metadataTopic(client, 'kept'), 1);
    },
    { 'delete.topic.enable': false },
  );
});

test('CreatePartitions v0-3 increase; same or fewer is INVALID_PARTITIONS with KRaft messages', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('grow', 1)] });
    for (let v = 0; v <= 3; v++) {
      const res = await client.send(Apis.CreatePartitions, v, {
        topics: [{ name: 'grow', count: v + 2, assignments: null }],
        timeoutMs: 1000,
      });
      assert.deepEqual(res.results, [{ name: 'grow', errorCode: 0, errorMessage: null }], `v${v}`);
      assert.equal(await metadataTopic(client, 'grow'), v + 2);
    }
    const res = await client.send(Apis.CreatePartitions, 3, {
      topics: [
        { name: 'grow', count: 5, assignments: null },
        { name: 'missing', count: 2, assignments: null },
      ],
      timeoutMs: 1000,
    });
    assert.deepEqual(
      res.results.map((r) => [r.name, r.errorCode]),
      [
        ['grow', code.INVALID_PARTITIONS.code],
        ['missing', code.UNKNOWN_TOPIC_OR_PARTITION.code],
      ],
    );
    assert.equal(res.results[0]?.errorMessage, 'Topic already has 5 partition(s).');
    const fewer = await client.send(Apis.CreatePartitions, 1, {
      topics: [{ name: 'grow', count: 2, assignments: null }],
      timeoutMs: 1000,
    });
    assert.deepEqual(fewer.results, [
      {
        name: 'grow',
        errorCode: code.INVALID_PARTITIONS.code,
        errorMessage: 'The topic grow currently has 5 partition(s); 2 would not be an increase.',
      },
    ]);
  });
});

test('CreatePartitions: validateOnly, duplicate names, manual assignments', async () => {
  await withBroker(async (client, broker) => {
    const nodeId = broker.broker.config.nodeId;
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('a'), newTopic('b')] });
    const dry = await client.send(Apis.CreatePartitions, 2, {
      topics: [{ name: 'a', count: 4, assignments: null }],
      validateOnly: true,
      timeoutMs: 1000,
    });
    assert.equal(dry.results[0]?.errorCode, 0);
    assert.equal(await metadataTopic(client, 'a'), 1, 'validateOnly changes nothing');

    const res = await client.send(Apis.CreatePartitions, 2, {
      topics: [
        { name: 'b', count: 2, assignments: null },
        { name: 'a', count: 3, assignments: [{ brokerIds: [nodeId] }] },
        { name: 'b', count: 3, assignments: null },
      ],
      timeoutMs: 1000,
    });
    assert.deepEqual(
      res.results.map((r) => [r.name, r.errorCode, r.errorMessage]),
      [
        ['b', code.INVALID_REQUEST.code, 'Duplicate topic name.'],
        [
          'a',
          code.INVALID_REPLICA_ASSIGNMENT.code,
          'Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.',
        ],
      ],
    );
    assert.equal(await metadataTopic(client, 'b'), 1);
    const elsewhere = await client.send(Apis.CreatePartitions, 2, {
      topics: [{ name: 'a', count: 2, assignments: [{ brokerIds: [nodeId + 1] }] }],
      timeoutMs: 1000,
    });
    assert.equal(elsewhere.results[0]?.errorCode, code.INVALID_REPLICA_ASSIGNMENT.code);
    const placed = await client.send(Apis.CreatePartitions, 2, {
      topics: [
        { name: 'a', count: 3, assignments: [{ brokerIds: [nodeId] }, { brokerIds: [nodeId] }] },
      ],
      timeoutMs: 1000,
    });
    assert.equal(placed.results[0]?.errorCode, 0);
    assert.equal(await metadataTopic(client, 'a'), 3);
  });
});
