// Validating a dynamic change to a BROKER resource, as Kafka's ConfigAdminManager does before a
// change is stored: "<id>" (this broker) or "" (the cluster default). Kafka's quirk is kept: a bad
// value on a broker key is INVALID_REQUEST, not INVALID_CONFIG (configs.md §5). Unknown keys are
// accepted (Kafka keeps them for plugins). Returns the new dynamic layer for the resource; making
// a BrokerConfig from it (BrokerConfig.with) and persisting it is the caller's.
import type { BrokerConfig } from './broker-config.js';
import { KafkaError } from '../errors/kafka-error.js';
import { brokerConfigKey, listenerOverride } from './config-tables.js';
import { ALTER_CONFIG_OPS } from './generated/config-defs.js';
import { javaSplit, parseJavaInteger } from './java-text.js';
import { InvalidConfigValueError, parseConfigValue } from './parse-value.js';
import type { AlterableConfig, ConfigEntry } from './topic-alter.js';

const invalidRequest = (message: string): KafkaError => new KafkaError('INVALID_REQUEST', message);

/** Scala's Set.toString, which Kafka's messages print. */
const scalaSet = (names: readonly string[]): string => `Set(${names.join(', ')})`;

function checkResource(broker: BrokerConfig, resourceName: string): void {
  if (resourceName === '') return;
  const id = parseJavaInteger(resourceName, 32);
  if (id === null) throw invalidRequest(`Node id must be an integer, but it is: ${resourceName}`);
  if (Number(id) !== broker.nodeId) {
    throw invalidRequest(
      `Unexpected node id. Expected ${broker.nodeId}, but received ${resourceName}`,
    );
  }
}

function checkRequest(
  configs: readonly { name: string; value: string | null }[],
  nullAllowed: (i: number) => boolean,
): void {
  const names = configs.map((c) => c.name);
  if (new Set(names).size !== names.length)
    throw invalidRequest('Error due to duplicate config keys');
  const nulls = configs.filter((c, i) => c.value === null && !nullAllowed(i)).map((c) => c.name);
  if (nulls.length > 0) throw invalidRequest(`Null value not supported for : ${nulls.join(', ')}`);
}

/** Kafka's DynamicBrokerConfig.validateConfigs on the resource's new dynamic values. */
function validateDynamic(props: ReadonlyMap<string, string>, perBroker: boolean): void {
  const names = [...props.keys()];
  const readOnly = names.filter((n) => brokerConfigKey(n)?.dynamic === 'read-only');
  if (readOnly.length > 0) {
    throw invalidRequest(`Cannot update these configs dynamically: ${scalaSet(readOnly)}`);
  }
  const unprefixed = names.filter((n) => brokerConfigKey(n)?.listenerPrefixOnly === true);
  if (unprefixed.length > 0) {
    throw invalidRequest(
      'These security configs can be dynamically updated only per-listener using the listener ' +
        `prefix: ${scalaSet(unprefixed)}`,
    );
  }
  for (const [name, raw] of props) {
    const base = listenerOverride(name)?.base ?? name;
    const key = brokerConfigKey(base);
    if (key === undefined) continue;
    try {
      parseConfigValue(base, key, raw);
    } catch (err) {
      if (err instanceof InvalidConfigValueError) throw invalidRequest(err.message);
      throw err;
    }
  }
  if (!perBroker) {
    const only = names.filter(
      (n) => brokerConfigKey(n)?.dynamic === 'per-broker' || listenerOverride(n) !== null,
    );
    if (only.length > 0) {
      throw invalidRequest(
        `Cannot update these configs at default cluster level, broker id must be specified: ${scalaSet(only)}`,
      );
    }
  }
}

function currentLayer(broker: BrokerConfig, resourceName: string): ReadonlyMap<string, string> {
  return resourceName === ''
    ? broker.layers.dynamicDefaultConfigs
    : broker.layers.dynamicBrokerConfigs;
}

/** IncrementalAlterConfigs on a BROKER resource; returns the resource's new dynamic values. */
export function incrementalAlterBrokerConfigs(
  broker: BrokerConfig,
  resourceName: string,
  configs: readonly AlterableConfig[],
): Map<string, string> {
  checkResource(broker, resourceName);
  const bad = configs.find(
    (c) => !Object.values(ALTER_CONFIG_OPS).some((id) => id === c.configOperation),
  );
  if (bad !== undefined) throw invalidRequest(`Unknown operations type ${bad.configOperation}`);
  checkRequest(configs, (i) => configs[i]?.configOperation === ALTER_CONFIG_OPS.DELETE);
  const next = new Map(currentLayer(broker, resourceName));
  for (const { name, configOperation, value } of configs) {
    if (configOperation === ALTER_CONFIG_OPS.SET) next.set(name, value ?? '');
    else if (configOperation === ALTER_CONFIG_OPS.DELETE) next.delete(name);
    else {
      const append = configOperation === ALTER_CONFIG_OPS.APPEND;
      const key = brokerConfigKey(name);
      if (key?.type !== 'LIST') {
        throw new KafkaError(
          'INVALID_CONFIG',
          `Config value ${append ? 'append' : 'subtract'} is not allowed for config key: ${name}`,
        );
      }
      // Kafka's prepareIncrementalConfigs: Java split, no trimming, no dropping of a leading "".
      const parts = javaSplit(next.get(name) ?? key.default ?? '', ',');
      const operand = javaSplit(value ?? '', ',');
      if (append) {
        next.set(name, [...new Set([...parts, ...operand])].join(','));
      } else {
        // Scala's diff: one occurrence removed per operand item.
        for (const item of operand) {
          const at = parts.indexOf(item);
          if (at >= 0) parts.splice(at, 1);
        }
        next.set(name, parts.join(','));
      }
    }
  }
  validateDynamic(next, resourceName !== '');
  return next;
}

/** Legacy AlterConfigs on a BROKER resource: the given configs replace its dynamic values. */
export function alterBrokerConfigs(
  broker: BrokerConfig,
  resourceName: string,
  configs: readonly ConfigEntry[],
): Map<string, string> {
  checkResource(broker, resourceName);
  checkRequest(configs, () => false);
  const next = new Map(configs.map((c) => [c.name, c.value ?? '']));
  validateDynamic(next, resourceName !== '');
  return next;
}
