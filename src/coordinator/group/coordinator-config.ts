// The group coordinator's settings from the broker config (Kafka's GroupCoordinatorConfig).
import type { BrokerConfig } from '../../config/index.js';
import type { GroupCoordinatorConfig } from './group-coordinator-shard.js';

export function groupCoordinatorConfig(config: BrokerConfig): GroupCoordinatorConfig {
  return {
    groupMinSessionTimeoutMs: config.get('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: config.get('group.max.session.timeout.ms'),
    groupInitialRebalanceDelayMs: config.get('group.initial.rebalance.delay.ms'),
    groupMaxSize: config.get('group.max.size'),
    offsetMetadataMaxBytes: config.get('offset.metadata.max.bytes'),
  };
}
