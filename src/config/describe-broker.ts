// DescribeConfigs for a BROKER resource (configs.md §2). "<id>" must be this broker's id and
// lists every KafkaConfig key Samsa knows plus any other key set in a layer (listener overrides,
// authorizer keys); "" (the cluster default) lists only keys with a cluster-level dynamic value.
// PASSWORD keys and keys Kafka cannot type are sensitive: value null. readOnly unless the key is
// dynamically updatable. Synonyms come from the key's group (log.retention.*, log.roll.*, ...).
import type { BrokerConfig } from './broker-config.js';
import { KafkaError } from '../errors/kafka-error.js';
import {
  brokerSynonyms,
  isRequested,
  type DescribeOptions,
  type DescribedConfig,
} from './config-synonyms.js';
import {
  BROKER_CONFIG_NAMES,
  brokerConfigKey,
  brokerConfigSynonymGroup,
  brokerConfigType,
  configTypeId,
  isBrokerConfigName,
} from './config-tables.js';
import { BROKER_CONFIG_KEYS, CONFIG_SOURCES } from './generated/config-defs.js';
import { parseJavaInteger } from './java-text.js';

/** Every key to list for "<id>": the KafkaConfig keys, then other keys set in any layer. */
function listedNames(broker: BrokerConfig): string[] {
  const names: string[] = BROKER_CONFIG_NAMES.filter((n) => BROKER_CONFIG_KEYS[n].kind === 'kafka');
  const listed = new Set<string>(names);
  const { dynamicBrokerConfigs, dynamicDefaultConfigs, staticBrokerConfigs } = broker.layers;
  for (const layer of [dynamicBrokerConfigs, dynamicDefaultConfigs, staticBrokerConfigs]) {
    for (const name of layer.keys()) {
      if (!listed.has(name)) {
        listed.add(name);
        names.push(name);
      }
    }
  }
  return names;
}

function entry(
  broker: BrokerConfig,
  name: string,
  perBroker: boolean,
  options: DescribeOptions,
): DescribedConfig {
  const key = brokerConfigKey(name);
  const type = brokerConfigType(name);
  // Kafka treats a key it cannot type as sensitive, to be safe.
  const sensitive = type === null || type === 'PASSWORD';
  let value: string | null;
  if (sensitive) value = null;
  else if (!perBroker) value = broker.layers.dynamicDefaultConfigs.get(name) ?? null;
  // KafkaConfig keys show their parsed value re-stringified; other keys the string as set.
  else if (key?.kind === 'kafka' && isBrokerConfigName(name)) value = broker.text(name);
  else value = broker.setting(name)?.raw ?? null;
  let synonyms = brokerSynonyms(broker, brokerConfigSynonymGroup(name), name, sensitive);
  if (!perBroker) {
    synonyms = synonyms.filter((s) => s.source === CONFIG_SOURCES.DYNAMIC_DEFAULT_BROKER_CONFIG);
  }
  return {
    name,
    value,
    // Only base names are dynamic: listener overrides and unknown keys report read-only.
    readOnly: key?.readOnly ?? true,
    configSource: synonyms[0]?.source ?? CONFIG_SOURCES.DEFAULT_CONFIG,
    isSensitive: sensitive,
    synonyms: options.includeSynonyms === true ? synonyms : [],
    configType: configTypeId(type),
    documentation: options.includeDocumentation === true ? (key?.doc ?? null) : null,
  };
}

/**
 * The DescribeConfigs entries of BROKER resource `resourceName` on this broker. Throws KafkaError
 * INVALID_REQUEST for a name that is neither "" nor this broker's id.
 */
export function describeBrokerConfigs(
  broker: BrokerConfig,
  resourceName: string,
  options: DescribeOptions = {},
): DescribedConfig[] {
  if (resourceName === '') {
    return [...broker.layers.dynamicDefaultConfigs.keys()]
      .filter((name) => isRequested(name, options))
      .map((name) => entry(broker, name, false, options));
  }
  const id = parseJavaInteger(resourceName, 32);
  if (id === null) {
    throw new KafkaError(
      'INVALID_REQUEST',
      `Broker id must be an integer, but it is: ${resourceName}`,
    );
  }
  if (Number(id) !== broker.nodeId) {
    throw new KafkaError(
      'INVALID_REQUEST',
      `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resourceName}`,
    );
  }
  return listedNames(broker)
    .filter((name) => isRequested(name, options))
    .map((name) => entry(broker, name, true, options));
}
