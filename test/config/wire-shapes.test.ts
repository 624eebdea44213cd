// The config layer's plain data maps onto the generated wire types with no conversion: request
// configs go in as they are decoded, describe entries and CreateTopics configs come out ready to
// encode (the handler only adds isDefault on DescribeConfigs v0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerConfig } from '../../src/config/broker-config.js';
import { createdTopicConfigs, describeTopicConfigs } from '../../src/config/describe-topic.js';
import { CONFIG_SOURCES, RESOURCE_TYPES } from '../../src/config/generated/config-defs.js';
import { incrementalAlterTopicConfigs } from '../../src/config/topic-alter.js';
import {
  decodeDescribeConfigsResponse,
  encodeDescribeConfigsResponse,
  type DescribeConfigsResponse,
} from '../../src/protocol/generated/api/describe-configs.js';
import type { CreateTopicsResponseCreatableTopicConfigs } from '../../src/protocol/generated/api/create-topics.js';
import type { IncrementalAlterConfigsRequestAlterableConfig } from '../../src/protocol/generated/api/incremental-alter-configs.js';
import { Reader, Writer } from '../../src/protocol/primitives/index.js';

const broker = new BrokerConfig();

test('describe entries encode as DescribeConfigsResponse at every version', () => {
  const entries = describeTopicConfigs(new Map([['retention.ms', '1000']]), broker, {
    includeSynonyms: true,
    includeDocumentation: true,
  });
  for (const version of [0, 1, 2, 3, 4]) {
    const configs = entries.map((e) => ({
      ...e,
      isDefault: version === 0 && e.configSource === CONFIG_SOURCES.DEFAULT_CONFIG,
      synonyms: version === 0 ? [] : e.synonyms,
    }));
    const response: DescribeConfigsResponse = {
      throttleTimeMs: 0,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: RESOURCE_TYPES.TOPIC,
          resourceName: 'orders',
          configs,
        },
      ],
    };
    const w = new Writer();
    encodeDescribeConfigsResponse(w, version, response);
    const decoded = decodeDescribeConfigsResponse(new Reader(w.toBuffer()), version);
    const retention = decoded.results[0]?.configs.find((c) => c.name === 'retention.ms');
    assert.equal(retention?.value, '1000', `v${version}`);
    if (version >= 1) assert.equal(retention?.configSource, CONFIG_SOURCES.TOPIC_CONFIG);
  }
});

test('CreateTopics configs and IncrementalAlterConfigs ops are the generated shapes', () => {
  const created: CreateTopicsResponseCreatableTopicConfigs[] = createdTopicConfigs(
    new Map(),
    broker,
  );
  assert.equal(created.length, 36);
  const ops: IncrementalAlterConfigsRequestAlterableConfig[] = [
    { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
  ];
  assert.equal(
    incrementalAlterTopicConfigs('t', new Map(), ops, broker).get('cleanup.policy'),
    'delete,compact',
  );
});
