// DescribeConfigs for a TOPIC resource, and the configs a CreateTopics response (v5+) carries.
// The two follow different Kafka rules on purpose (configs.md §2): DescribeConfigs (broker side)
// shows the effective parsed value re-stringified and takes its source from the synonym scan,
// quirk included; CreateTopics (controller side) takes the first hit among topic value, dynamic
// per-broker, dynamic cluster, static, default — synonym priority within each level, hours and
// minutes converted, no synonyms.
import type { BrokerConfig } from './broker-config.js';
import {
  brokerSynonyms,
  isRequested,
  type DescribeOptions,
  type DescribedConfig,
  type DescribedConfigSynonym,
} from './config-synonyms.js';
import { configTypeId, isBrokerConfigName, TOPIC_CONFIG_NAMES } from './config-tables.js';
import { BROKER_CONFIG_KEYS, CONFIG_SOURCES, TOPIC_CONFIG_KEYS } from './generated/config-defs.js';
import { javaTrim, parseJavaInteger } from './java-text.js';
import { resolveTopicConfig, type TopicOverrides } from './topic-config.js';

/** The DescribeConfigs entries of a topic with these overrides. Throws KafkaError INVALID_CONFIG. */
export function describeTopicConfigs(
  overrides: TopicOverrides,
  broker: BrokerConfig,
  options: DescribeOptions = {},
): DescribedConfig[] {
  const resolved = resolveTopicConfig(overrides, broker);
  const entries: DescribedConfig[] = [];
  for (const name of TOPIC_CONFIG_NAMES) {
    if (!isRequested(name, options)) continue;
    const key = TOPIC_CONFIG_KEYS[name];
    const value = resolved.get(name)?.text ?? null;
    const [primary] = key.brokerSynonyms;
    const synonyms: DescribedConfigSynonym[] =
      primary === undefined ? [] : brokerSynonyms(broker, key.brokerSynonyms, primary, false);
    if (overrides.has(name)) synonyms.unshift({ name, value, source: CONFIG_SOURCES.TOPIC_CONFIG });
    entries.push({
      name,
      value,
      // No topic key is a PASSWORD, so none is sensitive, and every one is alterable.
      readOnly: false,
      configSource: synonyms[0]?.source ?? CONFIG_SOURCES.DEFAULT_CONFIG,
      isSensitive: false,
      synonyms: options.includeSynonyms === true ? synonyms : [],
      configType: configTypeId(key.type),
      documentation: options.includeDocumentation === true ? key.doc : null,
    });
  }
  return entries;
}

/** One config of a CreateTopics response (CreatableTopicConfigs without tagged fields). */
export interface CreatedTopicConfig {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly configSource: number;
  readonly isSensitive: boolean;
}

const UNIT_MS = { minutes: 60_000n, hours: 3_600_000n } as const;

/** Kafka's ConfigSynonym converters: trimmed int × unit, 0 when unparsable. */
function convert(raw: string, name: string): string {
  const unit = isBrokerConfigName(name) ? BROKER_CONFIG_KEYS[name].unit : null;
  if (unit === null) return raw;
  const n = parseJavaInteger(javaTrim(raw), 32) ?? 0n;
  return (n * UNIT_MS[unit]).toString();
}

/** The configs of a newly created topic as a CreateTopics response (v5+) lists them. */
export function createdTopicConfigs(
  overrides: TopicOverrides,
  broker: BrokerConfig,
): CreatedTopicConfig[] {
  const { dynamicBrokerConfigs, dynamicDefaultConfigs, staticBrokerConfigs } = broker.layers;
  const levels: [ReadonlyMap<string, string>, number][] = [
    [dynamicBrokerConfigs, CONFIG_SOURCES.DYNAMIC_BROKER_CONFIG],
    [dynamicDefaultConfigs, CONFIG_SOURCES.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [staticBrokerConfigs, CONFIG_SOURCES.STATIC_BROKER_CONFIG],
  ];
  return TOPIC_CONFIG_NAMES.map((name) => {
    const entry = (value: string | null, configSource: number): CreatedTopicConfig => ({
      name,
      value,
      readOnly: false,
      configSource,
      isSensitive: false,
    });
    const own = overrides.get(name);
    if (own !== undefined) return entry(own, CONFIG_SOURCES.TOPIC_CONFIG);
    for (const [layer, source] of levels) {
      for (const synonym of TOPIC_CONFIG_KEYS[name].brokerSynonyms) {
        const raw = layer.get(synonym);
        if (raw !== undefined) return entry(convert(raw, synonym), source);
      }
    }
    return entry(TOPIC_CONFIG_KEYS[name].default, CONFIG_SOURCES.DEFAULT_CONFIG);
  });
}
