// The classic group coordinator: one GroupCoordinatorShard per `__consumer_offsets` partition.
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
