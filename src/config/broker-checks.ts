// The start-up rules between broker keys, beyond each value's own type and range: listeners parse
// and agree with advertised.listeners, a log directory exists, node.id is usable, and every
// broker default of a topic key is a valid topic value (Kafka would fail each topic's LogConfig
// later; failing at start-up names the key to fix).
import type { BrokerConfig } from './broker-config.js';
import { BrokerConfigError, type ConfigOrigin } from './config-error.js';
import { TOPIC_CONFIG_NAMES, isBrokerConfigName } from './config-tables.js';
import { TOPIC_CONFIG_KEYS, type TopicConfigName } from './generated/config-defs.js';
import { InvalidConfigValueError, parseConfigValue } from './parse-value.js';

type OriginOf = (name: string) => ConfigOrigin | undefined;

/** Runs `fn`, turning a value error into a start-up error at the key it names. */
function guard(originOf: OriginOf, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof InvalidConfigValueError)) throw err;
    throw new BrokerConfigError('SAMSA_ERR_CONFIG_INVALID_VALUE', err.message, {
      configName: err.configName,
      origin: originOf(err.configName),
      cause: err,
    });
  }
}

/** The broker key that supplies a topic key's default: the first set one of its synonyms. */
function supplier(config: BrokerConfig, topic: TopicConfigName): string | undefined {
  return TOPIC_CONFIG_KEYS[topic].brokerSynonyms.find(
    (name) => isBrokerConfigName(name) && config.parsed(name) !== null,
  );
}

function checkTopicDefaults(config: BrokerConfig, originOf: OriginOf): void {
  for (const topic of TOPIC_CONFIG_NAMES) {
    const value = config.logDefault(topic);
    try {
      parseConfigValue(topic, TOPIC_CONFIG_KEYS[topic], value.text);
    } catch (err) {
      const broker = supplier(config, topic);
      if (!(err instanceof InvalidConfigValueError) || broker === undefined) throw err;
      throw new BrokerConfigError(
        'SAMSA_ERR_CONFIG_INVALID_VALUE',
        `Invalid value ${err.shownValue} for configuration ${broker}: ${err.reason}, ` +
          `as it is the default of topic config ${topic}`,
        { configName: broker, origin: originOf(broker), cause: err },
      );
    }
  }
  const min = config.logDefault('min.compaction.lag.ms');
  const max = config.logDefault('max.compaction.lag.ms');
  if ((min.exact ?? 0n) > (max.exact ?? 0n)) {
    throw new BrokerConfigError(
      'SAMSA_ERR_CONFIG_CONFLICT',
      `log.cleaner.min.compaction.lag.ms (${min.text}) must not exceed ` +
        `log.cleaner.max.compaction.lag.ms (${max.text}), or no topic could be created`,
      {
        configName: 'log.cleaner.min.compaction.lag.ms',
        origin: originOf('log.cleaner.min.compaction.lag.ms'),
      },
    );
  }
}

/** Throws a BrokerConfigError for the first rule `config` breaks; `originOf` locates keys. */
export function checkBrokerConfig(config: BrokerConfig, originOf: OriginOf): void {
  const fail = (name: string, message: string): never => {
    throw new BrokerConfigError('SAMSA_ERR_CONFIG_INVALID_VALUE', message, {
      configName: name,
      origin: originOf(name),
    });
  };
  if (config.nodeId < 0) {
    const name = originOf('node.id') === undefined ? 'broker.id' : 'node.id';
    fail(
      name,
      `Invalid value ${config.nodeId} for configuration ${name}: Value must be at least 0`,
    );
  }
  guard(originOf, () => config.listeners);
  guard(originOf, () => config.advertisedListeners);
  if (config.logDirs.length === 0) {
    const name = config.get('log.dirs') === null ? 'log.dir' : 'log.dirs';
    fail(name, 'At least one log directory must be defined via log.dirs or log.dir.');
  }
  if (config.get('remote.log.storage.system.enable')) {
    fail(
      'remote.log.storage.system.enable',
      'Invalid value true for configuration remote.log.storage.system.enable: ' +
        'Samsa has no tiered storage',
    );
  }
  const authorizer = config.get('authorizer.class.name');
  if (authorizer !== '' && !STANDARD_AUTHORIZER_CLASS_NAMES.includes(authorizer)) {
    fail(
      'authorizer.class.name',
      `Invalid value ${authorizer} for configuration authorizer.class.name: Samsa's built-in ` +
        `authorizer is ${STANDARD_AUTHORIZER_CLASS_NAMES[0]} (ACLs kept in the cluster metadata); ` +
        'authorizer plugins cannot be loaded',
    );
  }
  checkTopicDefaults(config, originOf);
}

/**
 * The `authorizer.class.name` values that turn on Samsa's built-in authorizer: Kafka's
 * StandardAuthorizer, and the ZooKeeper-era AclAuthorizer that older setups still name (same rules).
 */
export const STANDARD_AUTHORIZER_CLASS_NAMES: readonly string[] = [
  'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'kafka.security.authorizer.AclAuthorizer',
];
