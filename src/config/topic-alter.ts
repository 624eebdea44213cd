// Validating and changing a topic's overrides, with the error Kafka gives in each situation
// (configs.md §5): CreateTopics configs, IncrementalAlterConfigs (SET/DELETE/APPEND/SUBTRACT) and
// legacy AlterConfigs (replace the whole set). Each returns the new override set to store, or
// throws a KafkaError (INVALID_CONFIG / INVALID_REQUEST) for the resource. Topic existence is the
// caller's to check, after these (Kafka checks it after value validation).
import type { BrokerConfig } from './broker-config.js';
import { KafkaError } from '../errors/kafka-error.js';
import { topicConfigKey } from './config-tables.js';
import { ALTER_CONFIG_OPS } from './generated/config-defs.js';
import { javaSplit } from './java-text.js';
import { resolveTopicConfig, type TopicOverrides } from './topic-config.js';

/** One config of CreateTopics or legacy AlterConfigs: a name and a value (null only on the wire). */
export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
}

/** One config of IncrementalAlterConfigs: configOperation is an ALTER_CONFIG_OPS id. */
export interface AlterableConfig {
  readonly name: string;
  readonly configOperation: number;
  readonly value: string | null;
}

/**
 * Kafka's LogConfig.validate on a complete override set against the broker's defaults: names,
 * then values, then the rules between keys. `existing` is the set being replaced (for the
 * remote-storage transition rule). Throws KafkaError INVALID_CONFIG.
 */
export function validateTopicOverrides(
  overrides: TopicOverrides,
  broker: BrokerConfig,
  existing: TopicOverrides = new Map(),
): void {
  const resolved = resolveTopicConfig(overrides, broker);
  const min = resolved.get('min.compaction.lag.ms')?.exact ?? 0n;
  const max = resolved.get('max.compaction.lag.ms')?.exact ?? 0n;
  if (min > max) {
    throw new KafkaError(
      'INVALID_CONFIG',
      `conflict topic config setting min.compaction.lag.ms (${min}) > max.compaction.lag.ms (${max})`,
    );
  }
  const remote = resolved.get('remote.storage.enable')?.value === true;
  if (remote && broker.get('remote.log.storage.system.enable') !== true) {
    throw new KafkaError(
      'INVALID_CONFIG',
      'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.',
    );
  }
  const wasRemote = existing.get('remote.storage.enable')?.trim().toLowerCase() === 'true';
  if (wasRemote && !remote && resolved.get('remote.log.delete.on.disable')?.value !== true) {
    throw new KafkaError(
      'INVALID_CONFIG',
      'It is invalid to disable remote storage without deleting remote data. ' +
        'If you want to keep the remote data and turn to read only, please set ' +
        '`remote.storage.enable=true,remote.log.copy.disable=true`. If you want to disable ' +
        'remote storage and delete all remote data, please set ' +
        '`remote.storage.enable=false,remote.log.delete.on.disable=true`.',
    );
  }
}

/** CreateTopics: the overrides to store for a new topic (a repeated name: the last wins). */
export function validateCreateTopicConfigs(
  configs: readonly ConfigEntry[],
  broker: BrokerConfig,
): Map<string, string> {
  const nulls = configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) {
    throw new KafkaError(
      'INVALID_CONFIG',
      `Null value not supported for topic configs: ${nulls.join(',')}`,
    );
  }
  const overrides = new Map(configs.map((c) => [c.name, c.value ?? '']));
  validateTopicOverrides(overrides, broker);
  return overrides;
}

/** The request-level checks both alter APIs make on a topic resource (INVALID_REQUEST). */
function checkAlterRequest(
  topicName: string,
  configs: readonly { name: string; value: string | null }[],
  nullAllowed: (index: number) => boolean,
): void {
  if (topicName === '') {
    throw new KafkaError('INVALID_REQUEST', 'Default topic resources are not allowed.');
  }
  const names = configs.map((c) => c.name);
  if (new Set(names).size !== names.length) {
    throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys');
  }
  const nulls = configs.filter((c, i) => c.value === null && !nullAllowed(i)).map((c) => c.name);
  if (nulls.length > 0) {
    throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${nulls.join(', ')}`);
  }
}

/** Kafka's getParts: the stored value, else the topic key's own default, split on commas. */
function listParts(current: string | undefined, name: string): string[] {
  const value = current ?? topicConfigKey(name)?.default ?? null;
  return value === null ? [] : value.split(',').filter((s) => s !== '');
}

const OP_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(ALTER_CONFIG_OPS).map(([name, id]) => [id, name]),
);

/**
 * IncrementalAlterConfigs on topic `topicName` with overrides `current`: SET replaces, DELETE
 * removes (an unset key is fine), APPEND adds missing items starting from the topic key's default
 * when unset, SUBTRACT removes items and leaves "" rather than reverting. All ops succeed or fail
 * together. Returns the new override set.
 */
export function incrementalAlterTopicConfigs(
  topicName: string,
  current: TopicOverrides,
  configs: readonly AlterableConfig[],
  broker: BrokerConfig,
): Map<string, string> {
  const unknownOp = configs.find((c) => !OP_NAMES.has(c.configOperation));
  if (unknownOp !== undefined) {
    throw new KafkaError('INVALID_REQUEST', `Unknown operations type ${unknownOp.configOperation}`);
  }
  checkAlterRequest(
    topicName,
    configs,
    (i) => configs[i]?.configOperation === ALTER_CONFIG_OPS.DELETE,
  );
  const next = new Map(current);
  for (const { name, configOperation, value } of configs) {
    const op = OP_NAMES.get(configOperation) ?? '';
    if (configOperation === ALTER_CONFIG_OPS.SET) {
      next.set(name, value ?? '');
    } else if (configOperation === ALTER_CONFIG_OPS.DELETE) {
      next.delete(name);
    } else {
      if (topicConfigKey(name)?.type !== 'LIST') {
        throw new KafkaError(
          'INVALID_CONFIG',
          `Can't ${op} to key ${name} because its type is not LIST.`,
        );
      }
      const parts = listParts(next.get(name), name);
      // Kafka splits the operand with String.split(","): no trimming, trailing empties dropped.
      const operand = javaSplit(value ?? '', ',');
      for (const item of operand) {
        const at = parts.indexOf(item);
        // Java's List.add when missing, List.remove (first occurrence only) when present.
        if (configOperation === ALTER_CONFIG_OPS.APPEND && at < 0) parts.push(item);
        if (configOperation === ALTER_CONFIG_OPS.SUBTRACT && at >= 0) parts.splice(at, 1);
      }
      next.set(name, parts.join(','));
    }
  }
  validateTopicOverrides(next, broker, current);
  return next;
}

/** Legacy AlterConfigs on a topic: the given configs replace the whole override set. */
export function alterTopicConfigs(
  topicName: string,
  current: TopicOverrides,
  configs: readonly ConfigEntry[],
  broker: BrokerConfig,
): Map<string, string> {
  checkAlterRequest(topicName, configs, () => false);
  const next = new Map(configs.map((c) => [c.name, c.value ?? '']));
  validateTopicOverrides(next, broker, current);
  return next;
}
