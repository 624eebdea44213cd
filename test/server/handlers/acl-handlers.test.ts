// The ACL APIs (CreateAcls, DescribeAcls, DeleteAcls) through the wire at every version, their
// refusals (no authorizer, no ALTER on the cluster, bindings Kafka refuses), ACLs surviving a
// restart, and the topic checks of the data and admin APIs: a topic denied to User:* (every
// PLAINTEXT connection is User:ANONYMOUS) gets TOPIC_AUTHORIZATION_FAILED where Kafka answers it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import {
  AclOperation as Op,
  AclPermissionType as Perm,
  PatternType,
  ResourceType,
} from '../../../src/metadata/acl-binding.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { buildRecordBatch } from '../../../src/protocol/records/index.js';
import { startBroker } from '../../support/broker.js';
import { newTopic, withBroker } from './support.js';
import { WireClient } from './wire-client.js';

const code = ErrorCodes;
const AUTHORIZER = {
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'allow.everyone.if.no.acl.found': true,
};

function creation(fields: Partial<Record<string, string | number>> = {}) {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'secret',
    resourcePatternType: PatternType.LITERAL,
    principal: 'User:*',
    host: '*',
    operation: Op.ALL,
    permissionType: Perm.DENY,
    ...fields,
  };
}

const ANY_FILTER = {
  resourceTypeFilter: ResourceType.ANY,
  resourceNameFilter: null,
  patternTypeFilter: PatternType.ANY,
  principalFilter: null,
  hostFilter: null,
  operation: Op.ANY,
  permissionType: Perm.ANY,
};

async function createAcls(client: WireClient, creations: ReturnType<typeof creation>[]) {
  const res = await client.send(Apis.CreateAcls, 3, { creations });
  return res.results.map((r) => r.errorCode);
}

test('CreateAcls, DescribeAcls and DeleteAcls v0-3 store, list and remove ACLs', async () => {
  await withBroker(async (client) => {
    for (let v = 0; v <= 3; v++) {
      const name = `t${v}`;
      const created = await client.send(Apis.CreateAcls, v, {
        creations: [
          creation({ resourceName: name }),
          creation({
            resourceName: name,
            operation: Op.READ,
            permissionType: Perm.ALLOW,
            principal: 'User:alice',
          }),
        ],
      });
      assert.deepEqual(
        created.results.map((r) => [r.errorCode, r.errorMessage]),
        [
          [0, null],
          [0, null],
        ],
        `CreateAcls v${v}`,
      );
      const described = await client.send(Apis.DescribeAcls, v, {
        ...ANY_FILTER,
        resourceTypeFilter: ResourceType.TOPIC,
        resourceNameFilter: name,
        patternTypeFilter: v === 0 ? PatternType.LITERAL : PatternType.ANY,
      });
      assert.equal(described.errorCode, 0, `DescribeAcls v${v}`);
      assert.deepEqual(
        described.resources.map((r) => [r.resourceType, r.resourceName, r.acls.length]),
        [[ResourceType.TOPIC, name, 2]],
      );
      if (v >= 1) assert.equal(described.resources[0]!.patternType, PatternType.LITERAL);
      assert.deepEqual(
        described.resources[0]!.acls.map((a) => [
          a.principal,
          a.host,
          a.operation,
          a.permissionType,
        ]),
        [
          ['User:*', '*', Op.ALL, Perm.DENY],
          ['User:alice', '*', Op.READ, Perm.ALLOW],
        ],
      );
      const deleted = await client.send(Apis.DeleteAcls, v, {
        filters: [
          {
            ...ANY_FILTER,
            resourceNameFilter: name,
            patternTypeFilter: v === 0 ? PatternType.LITERAL : PatternType.ANY,
            permissionType: Perm.DENY,
          },
        ],
      });
      const [result] = deleted.filterResults;
      assert.equal(result?.errorCode, 0, `DeleteAcls v${v}`);
      assert.deepEqual(
        result.matchingAcls.map((a) => [a.resourceName, a.principal, a.operation]),
        [[name, 'User:*', Op.ALL]],
      );
      const left = await client.send(Apis.DescribeAcls, v, {
        ...ANY_FILTER,
        resourceNameFilter: name,
        patternTypeFilter: v === 0 ? PatternType.LITERAL : PatternType.ANY,
      });
      assert.deepEqual(
        left.resources.flatMap((r) => r.acls.map((a) => a.principal)),
        ['User:alice'],
      );
    }
  }, AUTHORIZER);
});

test('without an authorizer the ACL APIs answer SECURITY_DISABLED', async () => {
  await withBroker(async (client) => {
    const created = await client.send(Apis.CreateAcls, 3, { creations: [creation()] });
    assert.deepEqual(
      created.results.map((r) => [r.errorCode, r.errorMessage]),
      [[code.SECURITY_DISABLED.code, 'No Authorizer is configured.']],
    );
    const described = await client.send(Apis.DescribeAcls, 3, ANY_FILTER);
    assert.equal(described.errorCode, code.SECURITY_DISABLED.code);
    const deleted = await client.send(Apis.DeleteAcls, 3, { filters: [ANY_FILTER] });
    assert.equal(deleted.filterResults[0]?.errorCode, code.SECURITY_DISABLED.code);
  });
});

test('bad bindings and filters get INVALID_REQUEST; denying ALTER on the cluster locks the ACL APIs', async () => {
  await withBroker(async (client) => {
    const results = await createAcls(client, [
      creation({ resourceType: ResourceType.ANY }),
      creation({ resourcePatternType: PatternType.MATCH }),
      creation({ principal: 'nobody' }),
      creation({ resourceType: ResourceType.CLUSTER, resourceName: 'other' }),
      creation({ operation: Op.UNKNOWN }),
      creation(),
    ]);
    assert.deepEqual(results, [42, 42, 42, 42, 42, 0]);
    const described = await client.send(Apis.DescribeAcls, 3, {
      ...ANY_FILTER,
      operation: Op.UNKNOWN,
    });
    assert.equal(described.errorCode, code.INVALID_REQUEST.code);
    assert.equal(described.errorMessage, 'The filter contains UNKNOWN elements');

    assert.deepEqual(
      await createAcls(client, [
        creation({
          resourceType: ResourceType.CLUSTER,
          resourceName: 'kafka-cluster',
          operation: Op.ALTER,
        }),
        creation({
          resourceType: ResourceType.CLUSTER,
          resourceName: 'kafka-cluster',
          operation: Op.DESCRIBE,
        }),
      ]),
      [0, 0],
    );
    assert.deepEqual(await createAcls(client, [creation({ resourceName: 'x' })]), [
      code.CLUSTER_AUTHORIZATION_FAILED.code,
    ]);
    const locked = await client.send(Apis.DescribeAcls, 3, ANY_FILTER);
    assert.equal(locked.errorCode, code.CLUSTER_AUTHORIZATION_FAILED.code);
    const notDeleted = await client.send(Apis.DeleteAcls, 3, { filters: [ANY_FILTER] });
    assert.equal(notDeleted.filterResults[0]?.errorCode, code.CLUSTER_AUTHORIZATION_FAILED.code);
    const logDirs = await client.send(Apis.DescribeLogDirs, 4, { topics: null });
    assert.equal(logDirs.errorCode, code.CLUSTER_AUTHORIZATION_FAILED.code);
    assert.deepEqual(logDirs.results, []);
  }, AUTHORIZER);
});

test('ACLs survive a restart', async () => {
  const broker = await startBroker({ overrides: AUTHORIZER });
  let client = await WireClient.connect(broker.port);
  assert.deepEqual(
    await createAcls(client, [
      creation(),
      creation({ resourceName: 'pre-', resourcePatternType: PatternType.PREFIXED }),
    ]),
    [0, 0],
  );
  client.close();
  await broker.stop({ keepData: true });
  const again = await startBroker({ overrides: AUTHORIZER, dataDir: broker.dataDir });
  client = await WireClient.connect(again.port);
  try {
    const described = await client.send(Apis.DescribeAcls, 3, ANY_FILTER);
    assert.deepEqual(
      described.resources.map((r) => [r.resourceName, r.patternType]),
      [
        ['secret', PatternType.LITERAL],
        ['pre-', PatternType.PREFIXED],
      ],
    );
  } finally {
    client.close();
    await again.stop();
  }
});

function records(value: string) {
  return buildRecordBatch({ records: [{ value: Buffer.from(value) }] });
}

test('a topic denied to User:* is refused by every topic API, and hidden from all-topics Metadata', async () => {
  await withBroker(async (client) => {
    for (const name of ['secret', 'open']) {
      const res = await client.send(Apis.CreateTopics, 7, { topics: [newTopic(name, 1)] });
      assert.equal(res.topics[0]?.errorCode, 0);
    }
    assert.deepEqual(await createAcls(client, [creation()]), [0]);
    const denied = code.TOPIC_AUTHORIZATION_FAILED.code;

    const all = await client.send(Apis.Metadata, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: true,
    });
    assert.deepEqual(
      all.topics.map((t) => t.name),
      ['open'],
    );
    assert.equal(
      all.topics[0]!.topicAuthorizedOperations,
      [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0),
      'every topic operation',
    );
    const named = await client.send(Apis.Metadata, 12, {
      topics: [{ name: 'secret', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    assert.equal(named.topics[0]?.errorCode, denied);

    const produced = await client.send(Apis.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: ['secret', 'open'].map((name) => ({
        name,
        partitionData: [{ index: 0, records: records('x') }],
      })),
    });
    assert.deepEqual(
      produced.responses.map((t) => [t.name, t.partitionResponses[0]!.errorCode]),
      [
        ['secret', denied],
        ['open', 0],
      ],
    );

    const fetched = await client.send(Apis.Fetch, 12, {
      ...Apis.Fetch.request.create(),
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: ['secret', 'open'].map((topic) => ({
        topic,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0n,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 1 << 20,
            replicaDirectoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
          },
        ],
      })),
    });
    assert.deepEqual(
      fetched.responses.map((t) => [t.topic, t.partitions[0]!.errorCode]),
      [
        ['secret', denied],
        ['open', 0],
      ],
    );
    assert.ok(fetched.responses[1]!.partitions[0]!.records!.length > 0, 'the open topic is read');

    const offsets = await client.send(Apis.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: 'secret',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 },
          ],
        },
      ],
    });
    assert.equal(offsets.topics[0]?.partitions[0]?.errorCode, denied);

    const configs = await client.send(Apis.DescribeConfigs, 4, {
      resources: [{ resourceType: 2, resourceName: 'secret', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    assert.equal(configs.results[0]?.errorCode, denied);

    const altered = await client.send(Apis.IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'secret',
          configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }],
        },
      ],
      validateOnly: false,
    });
    assert.equal(altered.responses[0]?.errorCode, denied);

    const grown = await client.send(Apis.CreatePartitions, 3, {
      topics: [{ name: 'secret', count: 2, assignments: null }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(grown.results[0]?.errorCode, denied);

    const trimmed = await client.send(Apis.DeleteRecords, 2, {
      topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, offset: 0n }] }],
      timeoutMs: 5000,
    });
    assert.equal(trimmed.topics[0]?.partitions[0]?.errorCode, denied);

    const recreated = await client.send(Apis.CreateTopics, 7, { topics: [newTopic('secret', 1)] });
    assert.equal(recreated.topics[0]?.errorCode, denied);

    const dropped = await client.send(Apis.DeleteTopics, 6, {
      topics: [{ name: 'secret', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      topicNames: [],
      timeoutMs: 5000,
    });
    assert.equal(dropped.responses[0]?.errorCode, denied);
  }, AUTHORIZER);
});

test('auto-creation needs CREATE on the cluster or the topic', async () => {
  await withBroker(async (client) => {
    const cluster = { resourceType: ResourceType.CLUSTER, resourceName: 'kafka-cluster' };
    const prefix = (name: string) => ({
      resourceName: name,
      resourcePatternType: PatternType.PREFIXED,
    });
    assert.deepEqual(
      await createAcls(client, [
        creation({ ...cluster, operation: Op.CREATE }),
        creation({ ...prefix('auto-'), operation: Op.CREATE, permissionType: Perm.ALLOW }),
        creation({ ...prefix('auto-'), operation: Op.DESCRIBE, permissionType: Perm.ALLOW }),
        creation({ ...prefix('denied-'), operation: Op.CREATE }),
        creation({ ...prefix('denied-'), operation: Op.DESCRIBE, permissionType: Perm.ALLOW }),
      ]),
      [0, 0, 0, 0, 0],
    );
    const res = await client.send(Apis.Metadata, 12, {
      topics: ['auto-yes', 'denied-no', 'plain'].map((name) => ({
        name,
        topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
      })),
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    // "plain" has no ACL, so allow.everyone.if.no.acl.found grants CREATE on the topic itself.
    assert.deepEqual(
      res.topics.map((t) => [t.name, t.errorCode]),
      [
        ['auto-yes', 0],
        ['denied-no', code.TOPIC_AUTHORIZATION_FAILED.code],
        ['plain', 0],
      ],
    );
  }, AUTHORIZER);
});

test('an authorizer class Samsa does not have is refused at start-up', async () => {
  await assert.rejects(
    startBroker({ overrides: { 'authorizer.class.name': 'com.example.MyAuthorizer' } }),
    /authorizer\.class\.name.*com\.example\.MyAuthorizer/,
  );
});
