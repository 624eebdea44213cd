// Kafka's topic and broker configs for Samsa: definitions (generated from configs.json), value
// parsing, the broker config (server.properties + --override, Samsa's default differences), topic
// config resolution and LogConfig, validation of config changes, and the DescribeConfigs model.
// Sits above src/errors and src/protocol, below everything else.
export {
  ALTER_CONFIG_OPS,
  BROKER_CONFIG_KEYS,
  CONFIG_SOURCES,
  CONFIG_TYPES,
  RESOURCE_TYPES,
  TOPIC_CONFIG_KEYS,
  type AlterConfigOpName,
  type BrokerConfigName,
  type BrokerConfigValues,
  type ConfigSourceName,
  type TopicConfigName,
  type TopicConfigValues,
} from './generated/config-defs.js';
export type {
  BrokerConfigKey,
  BrokerKeyKind,
  ConfigKey,
  ConfigTypeName,
  ConfigValidator,
  DynamicMode,
  TimeUnit,
  TopicConfigKey,
} from './config-key.js';
export {
  BROKER_CONFIG_NAMES,
  TOPIC_CONFIG_NAMES,
  brokerConfigKey,
  isBrokerConfigName,
  isTopicConfigName,
  topicConfigKey,
} from './config-tables.js';
export {
  InvalidConfigValueError,
  parseConfigValue,
  type ConfigValue,
  type ParsedConfigValue,
} from './parse-value.js';
export { parseProperties, type PropertyEntry } from './properties.js';
export { BrokerConfigError, describeOrigin, type ConfigOrigin } from './config-error.js';
export {
  BrokerConfig,
  type BrokerConfigLayers,
  type BrokerConfigSetting,
  type BrokerLayerSource,
} from './broker-config.js';
export type { Endpoint, SecurityProtocol } from './listeners.js';
export {
  SAMSA_DEFAULT_DIFFERENCES,
  brokerDefault,
  type SamsaDefaultDifference,
} from './samsa-defaults.js';
export { buildBrokerConfig, type StaticConfigEntry } from './static-config.js';
export {
  loadBrokerConfig,
  parseOverride,
  readBrokerConfigFile,
  type BrokerConfigArgs,
} from './load-broker-config.js';
export {
  parseTopicOverride,
  resolveTopicConfig,
  type ResolvedTopicConfig,
  type TopicOverrides,
} from './topic-config.js';
export {
  logConfigFor,
  toLogConfig,
  type CompressionTypeName,
  type LogConfig,
  type TimestampTypeName,
} from './log-config.js';
export {
  alterTopicConfigs,
  incrementalAlterTopicConfigs,
  validateCreateTopicConfigs,
  validateTopicOverrides,
  type AlterableConfig,
  type ConfigEntry,
} from './topic-alter.js';
export { alterBrokerConfigs, incrementalAlterBrokerConfigs } from './broker-alter.js';
export type {
  DescribeOptions,
  DescribedConfig,
  DescribedConfigSynonym,
} from './config-synonyms.js';
export {
  createdTopicConfigs,
  describeTopicConfigs,
  type CreatedTopicConfig,
} from './describe-topic.js';
export { describeBrokerConfigs } from './describe-broker.js';
export {
  GROUP_CONFIG_KEYS,
  GROUP_CONFIG_NAMES,
  alterGroupConfigs,
  describeGroupConfigs,
  groupConfigOverrides,
  incrementalAlterGroupConfigs,
  validateGroupConfigs,
  type GroupConfigName,
  type GroupConfigOverrides,
} from './group-config.js';
