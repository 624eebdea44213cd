// Per-group configs (KIP-848, Kafka 4.0's GroupConfig): GROUP config resources that override the
// broker's group.consumer.* defaults for one consumer group. Samsa has the two consumer keys;
// Kafka's share.* group keys come with share groups.
//
// Rules as in Kafka's GroupConfig: every key is an INT, its default is the broker key it
// overrides, and a value must sit inside the broker's min/max for that key; the heartbeat interval
// must stay below the session timeout. Violations are INVALID_CONFIG; an unknown name too.
import { KafkaError } from '../errors/kafka-error.js';
import type { BrokerConfig } from './broker-config.js';
import { isRequested, type DescribeOptions, type DescribedConfig } from './config-synonyms.js';
import { configTypeId } from './config-tables.js';
import {
  ALTER_CONFIG_OPS,
  CONFIG_SOURCES,
  type BrokerConfigName,
} from './generated/config-defs.js';
import { parseJavaInteger } from './java-text.js';
import type { AlterableConfig, ConfigEntry } from './topic-alter.js';

interface GroupConfigKey {
  /** The broker config whose value is the default. */
  readonly brokerDefault: BrokerConfigName;
  readonly min: BrokerConfigName;
  readonly max: BrokerConfigName;
  readonly doc: string;
}

export const GROUP_CONFIG_KEYS = {
  'consumer.session.timeout.ms': {
    brokerDefault: 'group.consumer.session.timeout.ms',
    min: 'group.consumer.min.session.timeout.ms',
    max: 'group.consumer.max.session.timeout.ms',
    doc: 'The timeout to detect client failures when using the consumer group protocol.',
  },
  'consumer.heartbeat.interval.ms': {
    brokerDefault: 'group.consumer.heartbeat.interval.ms',
    min: 'group.consumer.min.heartbeat.interval.ms',
    max: 'group.consumer.max.heartbeat.interval.ms',
    doc: 'The heartbeat interval given to the members of a consumer group.',
  },
} as const satisfies Record<string, GroupConfigKey>;

export type GroupConfigName = keyof typeof GROUP_CONFIG_KEYS;
export const GROUP_CONFIG_NAMES = Object.keys(GROUP_CONFIG_KEYS).sort() as GroupConfigName[];

function isGroupConfigName(name: string): name is GroupConfigName {
  return Object.hasOwn(GROUP_CONFIG_KEYS, name);
}

/** What the group coordinator takes from a group's overrides; absent keys use the broker's. */
export interface GroupConfigOverrides {
  readonly consumerSessionTimeoutMs?: number;
  readonly consumerHeartbeatIntervalMs?: number;
}

/** The effective values of a group with these (validated) overrides. */
function effective(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): Record<GroupConfigName, number> {
  const value = (name: GroupConfigName): number => {
    const text = overrides[name];
    return text === undefined
      ? (broker.get(GROUP_CONFIG_KEYS[name].brokerDefault) as number)
      : Number(text);
  };
  return {
    'consumer.session.timeout.ms': value('consumer.session.timeout.ms'),
    'consumer.heartbeat.interval.ms': value('consumer.heartbeat.interval.ms'),
  };
}

/** The coordinator's view of a group's stored overrides. */
export function groupConfigOverrides(
  overrides: Readonly<Record<string, string>>,
): GroupConfigOverrides {
  const session = overrides['consumer.session.timeout.ms'];
  const heartbeat = overrides['consumer.heartbeat.interval.ms'];
  return {
    ...(session === undefined ? {} : { consumerSessionTimeoutMs: Number(session) }),
    ...(heartbeat === undefined ? {} : { consumerHeartbeatIntervalMs: Number(heartbeat) }),
  };
}

/** Kafka's GroupConfig.validate on a whole override set. Throws KafkaError INVALID_CONFIG. */
export function validateGroupConfigs(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
): void {
  for (const [name, text] of Object.entries(overrides)) {
    if (!isGroupConfigName(name))
      throw new KafkaError('INVALID_CONFIG', `Unknown group config name: ${name}`);
    const parsed = parseInt32(text);
    if (parsed === null || parsed < 1) {
      throw new KafkaError(
        'INVALID_CONFIG',
        `Invalid value ${text} for configuration ${name}: ` +
          (parsed === null ? 'Not a number of type INT' : 'Value must be at least 1'),
      );
    }
    const key = GROUP_CONFIG_KEYS[name];
    if (parsed < (broker.get(key.min) as number))
      throw new KafkaError('INVALID_CONFIG', `${name} must be greater than or equal to ${key.min}`);
    if (parsed > (broker.get(key.max) as number))
      throw new KafkaError('INVALID_CONFIG', `${name} must be less than or equal to ${key.max}`);
  }
  const values = effective(overrides, broker);
  if (values['consumer.heartbeat.interval.ms'] >= values['consumer.session.timeout.ms']) {
    throw new KafkaError(
      'INVALID_CONFIG',
      'consumer.heartbeat.interval.ms must be less than consumer.session.timeout.ms',
    );
  }
}

/** An INT value as Java parses it (surrounding spaces trimmed), or null. */
function parseInt32(text: string): number | null {
  const parsed = parseJavaInteger(text.trim(), 32);
  return parsed === null ? null : Number(parsed);
}

function normalised(overrides: Map<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, text] of overrides) {
    const parsed = parseInt32(text);
    result[name] = parsed === null ? text : String(parsed);
  }
  return result;
}

function checkNames(configs: readonly { name: string; value: string | null }[]): void {
  const names = configs.map((c) => c.name);
  if (new Set(names).size !== names.length)
    throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys');
}

/** IncrementalAlterConfigs on a group: SET and DELETE (no group key is a list). */
export function incrementalAlterGroupConfigs(
  current: Readonly<Record<string, string>>,
  configs: readonly AlterableConfig[],
  broker: BrokerConfig,
): Record<string, string> {
  checkNames(configs);
  const next = new Map(Object.entries(current));
  for (const { name, configOperation, value } of configs) {
    if (configOperation === ALTER_CONFIG_OPS.SET) {
      if (value === null)
        throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${name}`);
      next.set(name, value);
    } else if (configOperation === ALTER_CONFIG_OPS.DELETE) {
      next.delete(name);
    } else if (
      configOperation === ALTER_CONFIG_OPS.APPEND ||
      configOperation === ALTER_CONFIG_OPS.SUBTRACT
    ) {
      throw new KafkaError('INVALID_CONFIG', `Can't modify ${name} because its type is not LIST.`);
    } else {
      throw new KafkaError('INVALID_REQUEST', `Unknown operations type ${configOperation}`);
    }
  }
  const result = normalised(next);
  validateGroupConfigs(result, broker);
  return result;
}

/** Legacy AlterConfigs on a group: the given configs replace every override. */
export function alterGroupConfigs(
  configs: readonly ConfigEntry[],
  broker: BrokerConfig,
): Record<string, string> {
  checkNames(configs);
  const next = new Map<string, string>();
  for (const { name, value } of configs) {
    if (value === null)
      throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${name}`);
    next.set(name, value);
  }
  const result = normalised(next);
  validateGroupConfigs(result, broker);
  return result;
}

/** DescribeConfigs of a GROUP resource: every group key, overridden (GROUP_CONFIG) or default. */
export function describeGroupConfigs(
  overrides: Readonly<Record<string, string>>,
  broker: BrokerConfig,
  options: DescribeOptions = {},
): DescribedConfig[] {
  const values = effective(overrides, broker);
  return GROUP_CONFIG_NAMES.filter((name) => isRequested(name, options)).map((name) => {
    const overridden = Object.hasOwn(overrides, name);
    const source = overridden ? CONFIG_SOURCES.GROUP_CONFIG : CONFIG_SOURCES.DEFAULT_CONFIG;
    const value = String(values[name]);
    return {
      name,
      value,
      readOnly: false,
      configSource: source,
      isSensitive: false,
      synonyms: options.includeSynonyms === true ? [{ name, value, source }] : [],
      configType: configTypeId('INT'),
      documentation: options.includeDocumentation === true ? GROUP_CONFIG_KEYS[name].doc : null,
    };
  });
}
