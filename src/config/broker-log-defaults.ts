// The broker's default for each topic key: Kafka's KafkaConfig.extractLogConfigMap. Most topic
// keys take one broker key's effective value; four take the first set key of a chain with unit
// conversion (retention.ms ← log.retention.ms, .minutes, .hours; segment.ms ← log.roll.ms, .hours;
// segment.jitter.ms ← log.roll.jitter.ms, .hours; flush.ms ← log.flush.interval.ms,
// log.flush.scheduler.interval.ms), and a negative effective retention becomes -1. Topic keys with
// no broker synonym take the topic key's own default.
import type { TopicConfigKey } from './config-key.js';
import { BROKER_CONFIG_KEYS, TOPIC_CONFIG_KEYS } from './generated/config-defs.js';
import type { BrokerConfigName, TopicConfigName } from './generated/config-defs.js';
import { isBrokerConfigName } from './config-tables.js';
import { longToNumber } from './java-text.js';
import {
  canonicalMetadataVersion,
  parseConfigValue,
  type ParsedConfigValue,
} from './parse-value.js';

/** What the broker side offers: the effective parsed value of a broker key (null = unset, no default). */
export interface BrokerValueSource {
  parsed(name: BrokerConfigName): ParsedConfigValue | null;
}

const UNIT_MS = { minutes: 60_000n, hours: 3_600_000n } as const;

function fromExact(exact: bigint): ParsedConfigValue {
  return { value: longToNumber(exact), text: exact.toString(), exact };
}

function ownDefault(name: TopicConfigName, key: TopicConfigKey): ParsedConfigValue {
  if (key.default === null) throw new Error(`Topic config ${name} has no default`);
  return parseConfigValue(name, key, key.default);
}

/** The first set key of a synonym chain, in milliseconds; null if none is set. */
function chain(broker: BrokerValueSource, names: readonly string[]): ParsedConfigValue | null {
  for (const name of names) {
    if (!isBrokerConfigName(name)) continue;
    const parsed = broker.parsed(name);
    if (parsed === null) continue;
    const unit = BROKER_CONFIG_KEYS[name].unit;
    const exact = parsed.exact ?? 0n;
    return unit === null ? parsed : fromExact(exact * UNIT_MS[unit]);
  }
  return null;
}

/** The broker's effective default for topic key `name`, as a parsed topic value. */
export function brokerLogDefault(
  broker: BrokerValueSource,
  name: TopicConfigName,
): ParsedConfigValue {
  const key = TOPIC_CONFIG_KEYS[name];
  const value = chain(broker, key.brokerSynonyms);
  if (value === null) return ownDefault(name, key);
  if (name === 'retention.ms' && (value.exact ?? 0n) < 0n) return fromExact(-1n);
  if (name === 'message.format.version' && key.validator?.kind === 'metadataVersion') {
    // Kafka passes MetadataVersion.version, so a release prefix ("3.0") shows as "3.0-IV1".
    const text = canonicalMetadataVersion(value.text, key.validator.values) ?? value.text;
    return { value: text, text };
  }
  return value;
}
