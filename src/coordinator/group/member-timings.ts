// The session timeout and heartbeat interval a consumer group's members get: the group's own
// configs (GROUP config resources) where set, else the broker's group.consumer.* values.
import type { GroupConfigOverrides } from '../../config/index.js';
import type { GroupCoordinatorConfig } from './group-coordinator-shard.js';

export interface MemberTimings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

export function memberTimings(
  deps: {
    readonly config: GroupCoordinatorConfig;
    readonly groupConfig?: ((groupId: string) => GroupConfigOverrides) | undefined;
  },
  groupId: string,
): MemberTimings {
  const overrides = deps.groupConfig?.(groupId) ?? {};
  return {
    sessionTimeoutMs:
      overrides.consumerSessionTimeoutMs ?? deps.config.consumerGroupSessionTimeoutMs,
    heartbeatIntervalMs:
      overrides.consumerHeartbeatIntervalMs ?? deps.config.consumerGroupHeartbeatIntervalMs,
  };
}
