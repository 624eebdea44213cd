// The effective value of every topic key: the topic's override if it has one, else the broker's
// default for it (broker-log-defaults.ts: dynamic per-broker > dynamic cluster > static > built-in,
// through synonym chains with hours/minutes → ms), as Kafka's LogConfig.fromProps(
// extractLogConfigMap, topicProps) computes it. Overrides are stored as the client sent them
// (raw strings); every read parses them again, so the stored text is always Kafka's.
import type { BrokerConfig } from './broker-config.js';
import { KafkaError } from '../errors/kafka-error.js';
import { TOPIC_CONFIG_NAMES, topicConfigKey } from './config-tables.js';
import type { TopicConfigName } from './generated/config-defs.js';
import { parseConfigValue, type ParsedConfigValue } from './parse-value.js';

/** A topic's overrides: name → value as stored (TOPIC_CONFIG source). */
export type TopicOverrides = ReadonlyMap<string, string>;

/** Kafka's message for a name LogConfig does not define (LogConfig.validateNames). */
export function unknownTopicConfig(name: string): KafkaError {
  return new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${name}`);
}

/** Parses one override; throws KafkaError INVALID_CONFIG for an unknown name or a bad value. */
export function parseTopicOverride(name: string, raw: string): ParsedConfigValue {
  const key = topicConfigKey(name);
  if (key === undefined) throw unknownTopicConfig(name);
  return parseConfigValue(name, key, raw);
}

export type ResolvedTopicConfig = ReadonlyMap<TopicConfigName, ParsedConfigValue>;

/** Every topic key's effective value for these overrides on this broker. Throws KafkaError. */
export function resolveTopicConfig(
  overrides: TopicOverrides,
  broker: BrokerConfig,
): ResolvedTopicConfig {
  for (const name of overrides.keys()) {
    if (topicConfigKey(name) === undefined) throw unknownTopicConfig(name);
  }
  const resolved = new Map<TopicConfigName, ParsedConfigValue>();
  for (const name of TOPIC_CONFIG_NAMES) {
    const raw = overrides.get(name);
    resolved.set(name, raw === undefined ? broker.logDefault(name) : parseTopicOverride(name, raw));
  }
  return resolved;
}
