// ListGroups (key 16), v0-5: every group this broker coordinates. v4+ filter by state and report
// it; v5+ filter by type ("classic", "consumer") and report it. Before the first FindCoordinator
// creates __consumer_offsets there are no groups.
// With an authorizer: groups the principal may not DESCRIBE are left out, unless it may DESCRIBE
// the cluster.
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  ListGroupsRequest,
  ListGroupsResponse,
} from '../../protocol/generated/api/list-groups.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeCluster, authorizeGroup } from '../access.js';
import { groupContext } from './group-context.js';

export const listGroupsHandler = defineHandler({
  api: Apis.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx: RequestContext<BrokerServices>, request: ListGroupsRequest): ListGroupsResponse {
    const shardCtx = groupContext(ctx);
    const groups = ctx.services.groups
      .shards()
      .flatMap((shard) => shard.listGroups(request, shardCtx).response.groups);
    const visible = authorizeCluster(ctx, AclOperation.DESCRIBE)
      ? groups
      : groups.filter((g) => authorizeGroup(ctx, AclOperation.DESCRIBE, g.groupId));
    return { throttleTimeMs: 0, errorCode: 0, groups: visible };
  },
});
