// The group coordinator: one GroupCoordinatorShard per `__consumer_offsets` partition, serving
// classic groups and KIP-848 consumer groups.
export {
  GroupCoordinatorShard,
  DEFAULT_GROUP_COORDINATOR_CONFIG,
  type CoordinatorResult,
  type GroupCoordinatorConfig,
  type GroupCoordinatorShardOptions,
  type RequestContext,
} from './group-coordinator-shard.js';
export { ClassicGroup, type ClassicGroupMember, type ClassicGroupState } from './classic-group.js';
export { decodeRecord, type CoordinatorRecord, type DecodedRecord } from './records.js';
export { OffsetStore, type OffsetAndMetadata } from './offset-store.js';
export { EMPTY_TOPICS_VIEW, type TopicsView } from './topics-view.js';
export {
  ConsumerGroup,
  type ConsumerGroupMember,
  type ConsumerGroupState,
  type MemberState,
} from './consumer-group.js';
export type { ConsumerGroupRecord } from './consumer-group-records.js';
