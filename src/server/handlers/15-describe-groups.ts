// DescribeGroups (key 15), v0-5: each group's state, protocol and members (with their metadata
// and assignment once Stable). v3+ can ask for authorized operations. Groups the principal may
// not DESCRIBE get GROUP_AUTHORIZATION_FAILED.
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
  DescribeGroupsResponseDescribedGroup,
} from '../../protocol/generated/api/describe-groups.js';
import type { BrokerServices } from '../broker-services.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  GROUP_OPERATIONS,
  authorizeGroup,
  authorizedOperations,
} from '../access.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation, ResourceType } from '../../metadata/acl-binding.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

async function describeOne(
  ctx: RequestContext<BrokerServices>,
  request: DescribeGroupsRequest,
  groupId: string,
): Promise<DescribeGroupsResponseDescribedGroup> {
  try {
    if (!authorizeGroup(ctx, AclOperation.DESCRIBE, groupId))
      throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
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
    const wanted = ctx.apiVersion >= 3 && request.includeAuthorizedOperations;
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => ({
        ...g,
        authorizedOperations:
          wanted && g.errorCode === 0
            ? authorizedOperations(ctx, ResourceType.GROUP, g.groupId, GROUP_OPERATIONS)
            : AUTHORIZED_OPERATIONS_OMITTED,
        members:
          ctx.apiVersion >= 4 ? g.members : g.members.map((m) => ({ ...m, groupInstanceId: null })),
      })),
    };
  },
});
