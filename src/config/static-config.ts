// Builds the broker config from static entries (server.properties lines and --override arguments,
// later wins) and refuses, with a start-up error naming key, value and origin: unknown keys,
// invalid values, and the rules between keys Kafka checks at start-up. Pure: no file reading here.
import { BrokerConfig } from './broker-config.js';
import type { BrokerConfigKey } from './config-key.js';
import { BrokerConfigError, type ConfigOrigin } from './config-error.js';
import {
  BROKER_CONFIG_NAMES,
  brokerConfigKey,
  listenerOverride,
  topicConfigKey,
} from './config-tables.js';
import { InvalidConfigValueError, parseConfigValue } from './parse-value.js';
import { checkBrokerConfig } from './broker-checks.js';

export interface StaticConfigEntry {
  readonly key: string;
  readonly value: string;
  readonly origin: ConfigOrigin;
}

/** Edit distance, to suggest the key a typo meant. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function unknownKeyHint(key: string): string {
  const topic = topicConfigKey(key);
  if (topic !== undefined) {
    const [broker] = topic.brokerSynonyms;
    return broker === undefined
      ? `; ${key} is a topic config, set per topic`
      : `; ${key} is a topic config, whose broker default is ${broker}`;
  }
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(key.length / 8));
  for (const name of BROKER_CONFIG_NAMES) {
    const d = distance(key, name);
    if (d <= bestDistance) [best, bestDistance] = [name, d];
  }
  return best === null ? '' : `; did you mean ${best}?`;
}

/** The definition a static key is checked against; throws SAMSA_ERR_CONFIG_UNKNOWN_KEY. */
function staticKeyDefinition(key: string, origin: ConfigOrigin): BrokerConfigKey {
  const fail = (message: string): never => {
    throw new BrokerConfigError('SAMSA_ERR_CONFIG_UNKNOWN_KEY', message, {
      configName: key,
      origin,
    });
  };
  const known = brokerConfigKey(key);
  if (known?.kind === 'dynamic-only') {
    return fail(
      `Broker config ${key} can only be set dynamically (kafka-configs --alter), not at start-up`,
    );
  }
  if (known !== undefined) return known;
  const override = listenerOverride(key);
  if (override !== null) {
    const base = override.base === null ? undefined : brokerConfigKey(override.base);
    if (base !== undefined) return base;
    return fail(`Unknown broker config ${key}: ${override.baseName} is not a broker config`);
  }
  return fail(`Unknown broker config ${key}${unknownKeyHint(key)}`);
}

function invalid(err: unknown, configName: string, origin: ConfigOrigin | undefined): never {
  if (err instanceof InvalidConfigValueError) {
    throw new BrokerConfigError('SAMSA_ERR_CONFIG_INVALID_VALUE', err.message, {
      configName,
      origin,
      cause: err,
    });
  }
  throw err;
}

/** Copies node.id to broker.id or back when only one is set, as Kafka's populateSynonyms does. */
function populateIdSynonyms(values: Map<string, string>, origins: Map<string, ConfigOrigin>): void {
  const nodeId = values.get('node.id');
  const brokerId = values.get('broker.id');
  if (nodeId !== undefined && brokerId !== undefined) {
    const key = brokerConfigKey('node.id');
    if (key === undefined) return;
    const [a, b] = [
      parseConfigValue('node.id', key, nodeId),
      parseConfigValue('broker.id', key, brokerId),
    ];
    if (a.exact !== b.exact) {
      throw new BrokerConfigError(
        'SAMSA_ERR_CONFIG_CONFLICT',
        `node.id (${a.text}) and broker.id (${b.text}) must be equal; set only node.id`,
        { configName: 'broker.id', origin: origins.get('broker.id') },
      );
    }
  } else if (nodeId !== undefined) {
    values.set('broker.id', nodeId);
  } else if (brokerId !== undefined) {
    values.set('node.id', brokerId);
  }
}

/** The broker config of these static entries, checked; throws BrokerConfigError. */
export function buildBrokerConfig(entries: readonly StaticConfigEntry[]): BrokerConfig {
  const values = new Map<string, string>();
  const origins = new Map<string, ConfigOrigin>();
  // A later entry (an --override) replaces an earlier one before anything is validated, as
  // kafka-server-start.sh does: a bad value in the file that an override replaces is fine.
  const last = new Map(entries.map((e) => [e.key, e]));
  for (const { key, value, origin } of last.values()) {
    const definition = staticKeyDefinition(key, origin);
    try {
      parseConfigValue(key, definition, value);
    } catch (err) {
      invalid(err, key, origin);
    }
    values.set(key, value);
    origins.set(key, origin);
  }
  populateIdSynonyms(values, origins);
  const config = new BrokerConfig({ staticBrokerConfigs: values });
  checkBrokerConfig(config, (name) => origins.get(name));
  return config;
}
