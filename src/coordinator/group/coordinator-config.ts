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
    offsetsRetentionMs: config.get('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: config.get('offsets.retention.check.interval.ms'),
    consumerGroupSessionTimeoutMs: config.get('group.consumer.session.timeout.ms'),
    consumerGroupHeartbeatIntervalMs: config.get('group.consumer.heartbeat.interval.ms'),
    consumerGroupMaxSize: config.get('group.consumer.max.size'),
    consumerGroupAssignors: config.get('group.consumer.assignors'),
  };
}
