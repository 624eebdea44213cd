// Lookups over the generated tables by any string (a name off the wire or from a file), and the
// name rules around them: listener-prefixed broker keys (listener.name.<l>.<key>) and the topic
// key ↔ broker key synonym links.
import type { BrokerConfigKey, ConfigTypeName, TopicConfigKey } from './config-key.js';
import {
  BROKER_CONFIG_KEYS,
  CONFIG_TYPES,
  TOPIC_CONFIG_KEYS,
  type BrokerConfigName,
  type TopicConfigName,
} from './generated/config-defs.js';

export const TOPIC_CONFIG_NAMES = Object.keys(TOPIC_CONFIG_KEYS) as readonly TopicConfigName[];
export const BROKER_CONFIG_NAMES = Object.keys(BROKER_CONFIG_KEYS) as readonly BrokerConfigName[];

export function isTopicConfigName(name: string): name is TopicConfigName {
  return Object.hasOwn(TOPIC_CONFIG_KEYS, name);
}

export function isBrokerConfigName(name: string): name is BrokerConfigName {
  return Object.hasOwn(BROKER_CONFIG_KEYS, name);
}

export function topicConfigKey(name: string): TopicConfigKey | undefined {
  return isTopicConfigName(name) ? TOPIC_CONFIG_KEYS[name] : undefined;
}

export function brokerConfigKey(name: string): BrokerConfigKey | undefined {
  return isBrokerConfigName(name) ? BROKER_CONFIG_KEYS[name] : undefined;
}

// Kafka's DynamicBrokerConfig.ListenerConfigRegex: the listener name has no dots.
const LISTENER_OVERRIDE = /^listener\.name\.([^.]*)\.(.+)$/;

export interface ListenerOverride {
  /** The listener name as written in the key (Kafka matches it lower-case). */
  readonly listener: string;
  /** The key after the prefix: a broker key, or `<sasl mechanism>.<broker key>`. */
  readonly baseName: string;
  /** The broker key the override stands for, or null if none matches. */
  readonly base: BrokerConfigName | null;
}

/** Parses `listener.name.<l>.<key>` and `listener.name.<l>.<mechanism>.<key>`; null for other names. */
export function listenerOverride(name: string): ListenerOverride | null {
  const m = LISTENER_OVERRIDE.exec(name);
  if (!m) return null;
  const listener = m[1] ?? '';
  const baseName = m[2] ?? '';
  if (isBrokerConfigName(baseName)) return { listener, baseName, base: baseName };
  // Per-mechanism SASL keys (listener.name.sasl_ssl.plain.sasl.jaas.config) put the mechanism first.
  const afterMechanism = baseName.slice(baseName.indexOf('.') + 1);
  const base = afterMechanism.startsWith('sasl.') && isBrokerConfigName(afterMechanism);
  return { listener, baseName, base: base ? afterMechanism : null };
}

/**
 * Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the keys DescribeConfigs scans for a broker
 * key, highest priority first (time-unit groups, and a listener override before its base key).
 */
export function brokerConfigSynonymGroup(name: string): readonly string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    // log.flush.scheduler.interval.ms is the fallback of log.flush.interval.ms, not the reverse.
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
  }
  const override = listenerOverride(name);
  if (override === null) return [name];
  const mechanismless = override.baseName.slice(override.baseName.indexOf('.') + 1);
  return [name, override.baseName, mechanismless];
}

/** The Kafka type of a broker key as DescribeConfigs reports it (via its base key for overrides); null = unknown. */
export function brokerConfigType(name: string): ConfigTypeName | null {
  const key = brokerConfigKey(name);
  if (key !== undefined) return key.kind === 'authorizer' ? null : key.type;
  const base = listenerOverride(name)?.base;
  return base === null || base === undefined ? null : BROKER_CONFIG_KEYS[base].type;
}

/** The wire id of a config type; 0 (UNKNOWN) for null. */
export function configTypeId(type: ConfigTypeName | null): number {
  return type === null ? CONFIG_TYPES.UNKNOWN : CONFIG_TYPES[type];
}
