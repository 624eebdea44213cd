// DescribeConfigs, AlterConfigs, IncrementalAlterConfigs and DescribeCluster through the wire at
// every version, including what clients rarely send: v0 (isDefault), unknown resource types,
// BROKER_LOGGER, a resource named twice, dynamic broker changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { startBroker, type TestBroker } from '../../support/broker.js';
import { WireClient } from './wire-client.js';
import { newTopic, withBroker } from './support.js';

const code = ErrorCodes;
const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const GROUP = 32;
const CLIENT_METRICS = 16;

async function describeTopic(client: WireClient, version: number, name: string, keys?: string[]) {
  const res = await client.send(Apis.DescribeConfigs, version, {
    resources: [{ resourceType: TOPIC, resourceName: name, configurationKeys: keys ?? null }],
    includeSynonyms: version >= 1,
    includeDocumentation: version >= 3,
  });
  assert.equal(res.results.length, 1);
  return res.results[0]!;
}

test('DescribeConfigs v0-4 on a topic: values, sources, isDefault (v0), synonyms (v1+), documentation (v3+)', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 4, {
      topics: [
        newTopic('described', 1, { configs: [{ name: 'cleanup.policy', value: 'compact' }] }),
      ],
    });
    for (let v = 0; v <= 4; v++) {
      const all = await describeTopic(client, v, 'described');
      assert.equal(all.errorCode, 0);
      assert.equal(all.configs.length, 36, `v${v} lists every topic config`);
      const result = await describeTopic(client, v, 'described', [
        'cleanup.policy',
        'retention.ms',
        'no.such.key',
      ]);
      const byName = new Map(result.configs.map((c) => [c.name, c]));
      assert.deepEqual([...byName.keys()].sort(), ['cleanup.policy', 'retention.ms']);
      const policy = byName.get('cleanup.policy')!;
      const retention = byName.get('retention.ms')!;
      assert.equal(policy.value, 'compact');
      assert.equal(retention.value, '604800000');
      if (v === 0) {
        assert.deepEqual([policy.isDefault, retention.isDefault], [false, true]);
      } else {
        assert.deepEqual([policy.configSource, retention.configSource], [1, 5]);
        assert.deepEqual(policy.synonyms[0], {
          name: 'cleanup.policy',
          value: 'compact',
          source: 1,
        });
        assert.ok(policy.synonyms.some((s) => s.name === 'log.cleanup.policy' && s.source === 5));
      }
      if (v >= 3) {
        assert.match(policy.documentation ?? '', /compact/);
        assert.equal(policy.configType, 7, 'LIST');
      }
      if (v === 4) {
        const plain = await client.send(Apis.DescribeConfigs, v, {
          resources: [
            {
              resourceType: TOPIC,
              resourceName: 'described',
              configurationKeys: ['cleanup.policy'],
            },
          ],
        });
        const [entry] = plain.results[0]!.configs;
        assert.deepEqual([entry?.synonyms, entry?.documentation], [[], null], 'only when asked');
      }
    }
  });
});

test('DescribeConfigs: unknown topic, illegal name, broker ids, BROKER_LOGGER, any GROUP, unsupported CLIENT_METRICS', async () => {
  await withBroker(async (client, broker) => {
    const nodeId = String(broker.broker.config.nodeId);
    const res = await client.send(Apis.DescribeConfigs, 4, {
      resources: [
        { resourceType: TOPIC, resourceName: 'nowhere', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'bad name', configurationKeys: null },
        { resourceType: BROKER, resourceName: nodeId, configurationKeys: ['num.partitions'] },
        { resourceType: BROKER, resourceName: '', configurationKeys: null },
        { resourceType: BROKER, resourceName: '999', configurationKeys: null },
        { resourceType: BROKER_LOGGER, resourceName: nodeId, configurationKeys: null },
        { resourceType: BROKER_LOGGER, resourceName: '', configurationKeys: null },
        { resourceType: BROKER_LOGGER, resourceName: 'x', configurationKeys: null },
        { resourceType: GROUP, resourceName: 'g', configurationKeys: null },
        { resourceType: CLIENT_METRICS, resourceName: 'm', configurationKeys: null },
      ],
    });
    assert.deepEqual(
      res.results.map((r) => [r.resourceType, r.resourceName, r.errorCode, r.configs.length]),
      [
        [TOPIC, 'nowhere', code.UNKNOWN_TOPIC_OR_PARTITION.code, 0],
        [TOPIC, 'bad name', code.INVALID_TOPIC_EXCEPTION.code, 0],
        [BROKER, nodeId, 0, 1],
        [BROKER, '', 0, 0],
        [BROKER, '999', code.INVALID_REQUEST.code, 0],
        [BROKER_LOGGER, nodeId, 0, 0],
        [BROKER_LOGGER, '', code.INVALID_REQUEST.code, 0],
        [BROKER_LOGGER, 'x', code.INVALID_REQUEST.code, 0],
        [GROUP, 'g', 0, 2],
        [CLIENT_METRICS, 'm', code.INVALID_REQUEST.code, 0],
      ],
    );
    assert.equal(res.results[0]?.errorMessage, null, 'Kafka sends no message for an unknown topic');
    assert.deepEqual(
      res.results.slice(6, 8).map((r) => r.errorMessage),
      ['Broker id must not be empty', 'Broker id must be an integer, but it is: x'],
    );
    const partitions = res.results[2]!.configs[0]!;
    assert.deepEqual([partitions.name, partitions.value], ['num.partitions', '1']);
  });
});

test('DescribeConfigs: an unknown resource type fails every resource of the request, as in Kafka', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('fine')] });
    const res = await client.send(Apis.DescribeConfigs, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: 'fine', configurationKeys: null },
        { resourceType: 99, resourceName: 'what', configurationKeys: null },
      ],
    });
    assert.deepEqual(
      res.results.map((r) => [r.resourceName, r.errorCode, r.errorMessage, r.configs.length]),
      [
        ['fine', code.INVALID_REQUEST.code, code.INVALID_REQUEST.message, 0],
        ['what', code.INVALID_REQUEST.code, code.INVALID_REQUEST.message, 0],
      ],
    );
  });
});

test('AlterConfigs v0-2 replace a topic overrides; validateOnly stores nothing', async () => {
  await withBroker(async (client) => {
    await client.send(Apis.CreateTopics, 4, {
      topics: [newTopic('altered', 1, { configs: [{ name: 'cleanup.policy', value: 'compact' }] })],
    });
    for (let v = 0; v <= 2; v++) {
      const retention = String(1000 * (v + 1));
      const dry = await client.send(Apis.AlterConfigs, v, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'altered',
            configs: [{ name: 'retention.ms', value: '1' }],
          },
        ],
        validateOnly: true,
      });
      assert.equal(dry.responses[0]?.errorCode, 0);
      const res = await client.send(Apis.AlterConfigs, v, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'altered',
            configs: [{ name: 'retention.ms', value: retention }],
          },
        ],
        validateOnly: false,
      });
      assert.deepEqual(res.responses, [
        { resourceType: TOPIC, resourceName: 'altered', errorCode: 0, errorMessage: null },
      ]);
      const described = await describeTopic(client, 1, 'altered', [
        'retention.ms',
        'cleanup.policy',
      ]);
      const values = Object.fromEntries(
        described.configs.map((c) => [c.name, [c.value, c.configSource]]),
      );
      assert.deepEqual(values, {
        'retention.ms': [retention, 1],
        // Legacy AlterConfigs deletes the overrides it does not name.
        'cleanup.policy': ['delete', 5],
      });
    }
  });
});

test('AlterConfigs errors: same resource twice, unknown topic, bad config, broker, BROKER_LOGGER, unknown type', async () => {
  await withBroker(async (client, broker) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('t')] });
    const nodeId = String(broker.broker.config.nodeId);
    const set = (name: string, value: string) => [{ name, value }];
    const res = await client.send(Apis.AlterConfigs, 2, {
      resources: [
        { resourceType: TOPIC, resourceName: 't', configs: set('retention.ms', '5') },
        { resourceType: TOPIC, resourceName: 'missing', configs: set('retention.ms', '5') },
        { resourceType: TOPIC, resourceName: 't', configs: set('retention.ms', '6') },
        { resourceType: TOPIC, resourceName: 'other', configs: set('no.such.config', '1') },
        { resourceType: BROKER, resourceName: nodeId, configs: set('log.cleaner.threads', '2') },
        { resourceType: BROKER, resourceName: '7', configs: set('log.cleaner.threads', '2') },
        { resourceType: BROKER, resourceName: '', configs: set('broker.id', '3') },
        { resourceType: BROKER_LOGGER, resourceName: nodeId, configs: set('root', 'DEBUG') },
        { resourceType: 5, resourceName: 'x', configs: [] },
      ],
      validateOnly: false,
    });
    const once = 'Each resource must appear at most once.';
    assert.deepEqual(
      res.responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage]),
      [
        ['t', code.INVALID_REQUEST.code, once],
        ['missing', code.UNKNOWN_TOPIC_OR_PARTITION.code, res.responses[1]?.errorMessage],
        ['t', code.INVALID_REQUEST.code, once],
        ['other', code.INVALID_CONFIG.code, res.responses[3]?.errorMessage],
        [nodeId, 0, null],
        ['7', code.INVALID_REQUEST.code, res.responses[5]?.errorMessage],
        ['', code.INVALID_REQUEST.code, res.responses[6]?.errorMessage],
        [nodeId, code.INVALID_REQUEST.code, 'Unknown resource type 8'],
        ['x', code.INVALID_REQUEST.code, 'Unknown resource type 5'],
      ],
    );
    assert.match(res.responses[5]!.errorMessage!, /7/, 'names the foreign broker id');
    assert.match(res.responses[6]!.errorMessage!, /broker\.id/, 'names the read-only key');
    const described = await describeTopic(client, 1, 't', ['retention.ms']);
    assert.equal(described.configs[0]?.configSource, 5, 'the duplicated resource was not altered');
  });
});

test('IncrementalAlterConfigs v0-1: SET, DELETE, APPEND, SUBTRACT on a topic; errors per resource', async () => {
  await withBroker(async (client, broker) => {
    await client.send(Apis.CreateTopics, 4, { topics: [newTopic('inc')] });
    const nodeId = String(broker.broker.config.nodeId);
    const SET = 0;
    const DELETE = 1;
    const APPEND = 2;
    const SUBTRACT = 3;
    for (let v = 0; v <= 1; v++) {
      const res = await client.send(Apis.IncrementalAlterConfigs, v, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'inc',
            configs: [
              { name: 'retention.ms', configOperation: SET, value: '1000' },
              { name: 'cleanup.policy', configOperation: APPEND, value: 'compact' },
            ],
          },
        ],
        validateOnly: false,
      });
      assert.equal(res.responses[0]?.errorCode, 0, `v${v}`);
      const described = await describeTopic(client, 1, 'inc', ['retention.ms', 'cleanup.policy']);
      assert.deepEqual(Object.fromEntries(described.configs.map((c) => [c.name, c.value])), {
        'cleanup.policy': 'delete,compact',
        'retention.ms': '1000',
      });
      await client.send(Apis.IncrementalAlterConfigs, v, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'inc',
            configs: [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }],
          },
        ],
        validateOnly: false,
      });
      const subtracted = await describeTopic(client, 1, 'inc', ['cleanup.policy']);
      assert.equal(subtracted.configs[0]?.value, 'compact');
      await client.send(Apis.IncrementalAlterConfigs, v, {
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'inc',
            configs: [
              { name: 'retention.ms', configOperation: DELETE, value: null },
              { name: 'cleanup.policy', configOperation: DELETE, value: null },
            ],
          },
        ],
        validateOnly: false,
      });
    }
    const res = await client.send(Apis.IncrementalAlterConfigs, 1, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 'inc',
          configs: [{ name: 'retention.ms', configOperation: APPEND, value: '1' }],
        },
        {
          resourceType: TOPIC,
          resourceName: 'gone',
          configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }],
        },
        {
          resourceType: TOPIC,
          resourceName: 'inc2',
          configs: [{ name: 'retention.ms', configOperation: 9, value: '1' }],
        },
        {
          resourceType: BROKER,
          resourceName: nodeId,
          configs: [{ name: 'log.cleaner.threads', configOperation: SET, value: '2' }],
        },
        { resourceType: BROKER, resourceName: nodeId, configs: [] },
        {
          resourceType: BROKER_LOGGER,
          resourceName: nodeId,
          configs: [{ name: 'root', configOperation: SET, value: 'DEBUG' }],
        },
      ],
      validateOnly: true,
    });
    assert.deepEqual(
      res.responses.map((r) => [r.resourceType, r.resourceName, r.errorCode]),
      [
        [TOPIC, 'inc', code.INVALID_CONFIG.code],
        [TOPIC, 'gone', code.UNKNOWN_TOPIC_OR_PARTITION.code],
        [TOPIC, 'inc2', code.INVALID_REQUEST.code],
        [BROKER, nodeId, code.INVALID_REQUEST.code],
        [BROKER, nodeId, code.INVALID_REQUEST.code],
        [BROKER_LOGGER, nodeId, code.INVALID_REQUEST.code],
      ],
    );
    assert.equal(
      res.responses[0]?.errorMessage,
      "Can't APPEND to key retention.ms because its type is not LIST.",
    );
    assert.equal(res.responses[3]?.errorMessage, 'Each resource must appear at most once.');
  });
});

test('IncrementalAlterConfigs on a broker: validated as Kafka does, stored, applied and described', async () => {
  await withBroker(async (client, broker) => {
    const nodeId = String(broker.broker.config.nodeId);
    const alter = (validateOnly: boolean, value: string) =>
      client.send(Apis.IncrementalAlterConfigs, 1, {
        resources: [
          {
            resourceType: BROKER,
            resourceName: nodeId,
            configs: [{ name: 'log.cleaner.threads', configOperation: 0, value }],
          },
          {
            resourceType: BROKER,
            resourceName: '',
            configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: 'many' }],
          },
        ],
        validateOnly,
      });
    const describe = async () => {
      const res = await client.send(Apis.DescribeConfigs, 4, {
        resources: [
          {
            resourceType: BROKER,
            resourceName: nodeId,
            configurationKeys: ['log.cleaner.threads'],
          },
        ],
        includeSynonyms: true,
        includeDocumentation: false,
      });
      return res.results[0]!.configs[0]!;
    };
    const dryRun = await alter(true, '2');
    assert.deepEqual(
      dryRun.responses.map((r) => r.errorCode),
      [0, code.INVALID_REQUEST.code],
    );
    assert.match(
      dryRun.responses[1]!.errorMessage!,
      /Invalid value many for configuration log\.cleaner\.threads/,
    );
    assert.equal((await describe()).configSource, 5, 'validateOnly stores nothing');

    const applied = await alter(false, '3');
    assert.equal(applied.responses[0]?.errorCode, 0);
    const entry = await describe();
    assert.equal(entry.value, '3');
    assert.equal(entry.configSource, 2, 'DYNAMIC_BROKER_CONFIG');
    assert.deepEqual(
      entry.synonyms.map((s) => [s.name, s.value, s.source]),
      [
        ['log.cleaner.threads', '3', 2],
        ['log.cleaner.threads', '1', 5],
      ],
    );
  });
});

test('a cluster-wide dynamic log default reaches existing topics and survives a restart', async () => {
  const first = await startBroker();
  let second: TestBroker | undefined;
  try {
    const client = await WireClient.connect(first.port);
    try {
      await client.send(Apis.CreateTopics, 4, { topics: [newTopic('dyn')] });
      const res = await client.send(Apis.IncrementalAlterConfigs, 1, {
        resources: [
          {
            resourceType: BROKER,
            resourceName: '',
            configs: [{ name: 'log.retention.ms', configOperation: 0, value: '3600000' }],
          },
        ],
        validateOnly: false,
      });
      assert.equal(res.responses[0]?.errorCode, 0);
      assert.equal(
        (await describeTopic(client, 1, 'dyn', ['retention.ms'])).configs[0]?.value,
        '3600000',
      );
    } finally {
      client.close();
    }
    await first.stop({ keepData: true });
    second = await startBroker({ dataDir: first.dataDir });
    const again = await WireClient.connect(second.port);
    try {
      const entry = (await describeTopic(again, 1, 'dyn', ['retention.ms'])).configs[0]!;
      assert.equal(entry.value, '3600000');
      assert.equal(entry.configSource, 3, 'DYNAMIC_DEFAULT_BROKER_CONFIG');
    } finally {
      again.close();
    }
  } finally {
    await (second ?? first).stop();
  }
});

test('DescribeCluster v0-1: cluster id, controller, this broker, authorized operations when asked', async () => {
  await withBroker(async (client, broker) => {
    const nodeId = broker.broker.config.nodeId;
    const expectedBrokers = [
      { brokerId: nodeId, host: '127.0.0.1', port: broker.port, rack: null },
    ];
    for (let v = 0; v <= 1; v++) {
      for (const include of [false, true]) {
        const res = await client.send(Apis.DescribeCluster, v, {
          includeClusterAuthorizedOperations: include,
        });
        assert.equal(res.errorCode, 0);
        assert.equal(res.clusterId, broker.broker.clusterId);
        assert.equal(res.controllerId, nodeId);
        assert.deepEqual(res.brokers, expectedBrokers);
        if (include) assert.ok(res.clusterAuthorizedOperations > 0);
        else assert.equal(res.clusterAuthorizedOperations, -2147483648);
      }
    }
    const controllers = await client.send(Apis.DescribeCluster, 1, { endpointType: 2 });
    assert.deepEqual([controllers.errorCode, controllers.endpointType], [0, 2]);
    assert.deepEqual(controllers.brokers, expectedBrokers, 'a single node is its own controller');
    const unknown = await client.send(Apis.DescribeCluster, 1, { endpointType: 3 });
    assert.deepEqual(
      [unknown.errorCode, unknown.errorMessage, unknown.brokers],
      [code.UNSUPPORTED_ENDPOINT_TYPE.code, 'Unsupported endpoint type 3', []],
    );
  });
});
