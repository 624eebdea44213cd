// DescribeGroups (key 15), v0-5: each group's state, protocol and members (with their metadata
// and assignment once Stable). v3+ can ask for authorized operations; without an authorizer
// Kafka's sentinel (not requested) or every group operation is returned.
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  DescribeGroupsResponseDescribedGroup,
} from '../../protocol/generated/api/describe-groups.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  ALL_GROUP_OPERATIONS,
  type BrokerServices,
} from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

async function describeOne(
  ctx: RequestContext<BrokerServices>,
  request: DescribeGroupsRequest,
  groupId: string,
): Promise<DescribeGroupsResponseDescribedGroup> {
  try {
    const response = await ctx.services.groups.run(groupId, (shard) =>
      shard.describeGroups({ ...request, groups: [groupId] }, groupContext(ctx)),
    );
    const [group] = response.groups;
    if (group !== undefined) return group;
  } catch (err) {
    return {
      errorCode: groupErrorCode(ctx, err, groupId),
      groupId,
      groupState: '',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  }
  throw new Error(`The coordinator did not describe group ${groupId}`);
}

export const describeGroupsHandler = defineHandler({
  api: Apis.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: DescribeGroupsRequest,
  ): Promise<DescribeGroupsResponse> {
    const groups = await Promise.all(request.groups.map((id) => describeOne(ctx, request, id)));
    const operations =
      ctx.apiVersion >= 3 && request.includeAuthorizedOperations
        ? ALL_GROUP_OPERATIONS
        : AUTHORIZED_OPERATIONS_OMITTED;
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => ({
        ...g,
        authorizedOperations: g.errorCode === 0 ? operations : AUTHORIZED_OPERATIONS_OMITTED,
        members:
          ctx.apiVersion >= 4 ? g.members : g.members.map((m) => ({ ...m, groupInstanceId: null })),
      })),
    };
  },
});
