// Per-group configs (GROUP config resources, Kafka 4.0's GroupConfig): validation against the
// broker's min/max, SET/DELETE, and the DescribeConfigs entries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerConfig } from '../../src/config/broker-config.js';
import { ALTER_CONFIG_OPS, CONFIG_SOURCES } from '../../src/config/generated/config-defs.js';
import {
  describeGroupConfigs,
  groupConfigOverrides,
  incrementalAlterGroupConfigs,
} from '../../src/config/group-config.js';

const broker = new BrokerConfig();
const set = (name: string, value: string | null) => ({
  name,
  configOperation: ALTER_CONFIG_OPS.SET,
  value,
});

function rejects(fn: () => unknown, errorCode: number, message: RegExp): void {
  assert.throws(fn, (err: { errorCode: number; message: string }) => {
    assert.equal(err.errorCode, errorCode);
    assert.match(err.message, message);
    return true;
  });
}

test('SET stores normalised values inside the broker bounds; DELETE removes them', () => {
  const next = incrementalAlterGroupConfigs(
    {},
    [set('consumer.session.timeout.ms', ' 50000')],
    broker,
  );
  assert.deepEqual(next, { 'consumer.session.timeout.ms': '50000' });
  assert.deepEqual(groupConfigOverrides(next), { consumerSessionTimeoutMs: 50000 });
  const removed = incrementalAlterGroupConfigs(
    next,
    [
      {
        name: 'consumer.session.timeout.ms',
        configOperation: ALTER_CONFIG_OPS.DELETE,
        value: null,
      },
    ],
    broker,
  );
  assert.deepEqual(removed, {});
});

test('unknown names, bad values and values outside the broker min/max are INVALID_CONFIG', () => {
  rejects(
    () => incrementalAlterGroupConfigs({}, [set('session.timeout.ms', '1')], broker),
    40,
    /Unknown group config name: session.timeout.ms/,
  );
  rejects(
    () => incrementalAlterGroupConfigs({}, [set('consumer.session.timeout.ms', 'soon')], broker),
    40,
    /Not a number of type INT/,
  );
  rejects(
    () => incrementalAlterGroupConfigs({}, [set('consumer.session.timeout.ms', '44999')], broker),
    40,
    /must be greater than or equal to group.consumer.min.session.timeout.ms/,
  );
  rejects(
    () => incrementalAlterGroupConfigs({}, [set('consumer.session.timeout.ms', '60001')], broker),
    40,
    /must be less than or equal to group.consumer.max.session.timeout.ms/,
  );
  rejects(
    () => incrementalAlterGroupConfigs({}, [set('consumer.heartbeat.interval.ms', '4999')], broker),
    40,
    /group.consumer.min.heartbeat.interval.ms/,
  );
  const lowBounds = new BrokerConfig({
    staticBrokerConfigs: new Map([
      ['group.consumer.min.session.timeout.ms', '1000'],
      ['group.consumer.min.heartbeat.interval.ms', '1000'],
    ]),
  });
  rejects(
    () => incrementalAlterGroupConfigs({}, [set('consumer.session.timeout.ms', '4000')], lowBounds),
    40,
    /consumer.heartbeat.interval.ms must be less than consumer.session.timeout.ms/,
  );
  rejects(
    () =>
      incrementalAlterGroupConfigs(
        {},
        [
          {
            name: 'consumer.session.timeout.ms',
            configOperation: ALTER_CONFIG_OPS.APPEND,
            value: '1',
          },
        ],
        broker,
      ),
    40,
    /not LIST/,
  );
  rejects(
    () => incrementalAlterGroupConfigs({}, [set('consumer.session.timeout.ms', null)], broker),
    42,
    /Null value/,
  );
  rejects(
    () =>
      incrementalAlterGroupConfigs(
        {},
        [set('consumer.session.timeout.ms', '50000'), set('consumer.session.timeout.ms', '50000')],
        broker,
      ),
    42,
    /duplicate config keys/,
  );
});

test('DescribeConfigs lists every group key: overrides as GROUP_CONFIG, the rest from the broker', () => {
  const custom = new BrokerConfig({
    staticBrokerConfigs: new Map([['group.consumer.heartbeat.interval.ms', '6000']]),
  });
  const entries = describeGroupConfigs({ 'consumer.session.timeout.ms': '50000' }, custom, {
    includeSynonyms: true,
  });
  assert.deepEqual(
    entries.map((e) => [e.name, e.value, e.configSource, e.readOnly, e.synonyms.length]),
    [
      ['consumer.heartbeat.interval.ms', '6000', CONFIG_SOURCES.DEFAULT_CONFIG, false, 1],
      ['consumer.session.timeout.ms', '50000', CONFIG_SOURCES.GROUP_CONFIG, false, 1],
    ],
  );
  assert.deepEqual(
    describeGroupConfigs({}, broker, { configurationKeys: ['consumer.session.timeout.ms'] }).map(
      (e) => e.value,
    ),
    ['45000'],
  );
});
