// The DescribeConfigs model's shared parts: the entry shape (field for field the generated
// DescribeConfigsResponse types, so the handler maps it directly) and Kafka's synonym scan
// (ConfigHelper.configSynonyms): broker keys collected one source at a time — dynamic per-broker,
// dynamic cluster default, static, built-in default — each source in synonym priority order,
// skipping keys with no value there; then every entry before the first one named after the
// primary key is dropped (configs.md §2, "quirk to copy").
import type { BrokerConfig } from './broker-config.js';
import { isBrokerConfigName } from './config-tables.js';
import { CONFIG_SOURCES } from './generated/config-defs.js';
import { brokerDefault } from './samsa-defaults.js';

export interface DescribedConfigSynonym {
  readonly name: string;
  readonly value: string | null;
  /** A CONFIG_SOURCES id. */
  readonly source: number;
}

/**
 * One DescribeConfigs result entry. No isDefault: that field exists only in v0, where the handler
 * sets it to `configSource === CONFIG_SOURCES.DEFAULT_CONFIG` (and must leave it false above v0).
 */
export interface DescribedConfig {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  /** A CONFIG_SOURCES id. */
  readonly configSource: number;
  readonly isSensitive: boolean;
  /** Empty unless includeSynonyms. */
  readonly synonyms: DescribedConfigSynonym[];
  /** A CONFIG_TYPES id. */
  readonly configType: number;
  /** Null unless includeDocumentation. */
  readonly documentation: string | null;
}

export interface DescribeOptions {
  /** Only these keys (unknown ones are dropped); null, undefined or empty = all. */
  readonly configurationKeys?: readonly string[] | null;
  readonly includeSynonyms?: boolean;
  readonly includeDocumentation?: boolean;
}

/** Whether `name` is asked for by `options` (an empty or absent key list asks for all). */
export function isRequested(name: string, options: DescribeOptions): boolean {
  const keys = options.configurationKeys;
  return keys === null || keys === undefined || keys.length === 0 || keys.includes(name);
}

/** The scan of `names` (highest priority first) for a key whose primary broker key is `primary`. */
export function brokerSynonyms(
  broker: BrokerConfig,
  names: readonly string[],
  primary: string,
  sensitive: boolean,
): DescribedConfigSynonym[] {
  const { dynamicBrokerConfigs, dynamicDefaultConfigs, staticBrokerConfigs } = broker.layers;
  const defaults = (name: string): string | undefined =>
    isBrokerConfigName(name) ? (brokerDefault(name) ?? undefined) : undefined;
  const levels: [(name: string) => string | undefined, number][] = [
    [(n) => dynamicBrokerConfigs.get(n), CONFIG_SOURCES.DYNAMIC_BROKER_CONFIG],
    [(n) => dynamicDefaultConfigs.get(n), CONFIG_SOURCES.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [(n) => staticBrokerConfigs.get(n), CONFIG_SOURCES.STATIC_BROKER_CONFIG],
    [defaults, CONFIG_SOURCES.DEFAULT_CONFIG],
  ];
  const all: DescribedConfigSynonym[] = [];
  for (const [lookup, source] of levels) {
    for (const name of names) {
      const value = lookup(name);
      if (value !== undefined) all.push({ name, value: sensitive ? null : value, source });
    }
  }
  const first = all.findIndex((s) => s.name === primary);
  return first < 0 ? [] : all.slice(first);
}
