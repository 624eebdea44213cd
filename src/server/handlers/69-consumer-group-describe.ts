// ConsumerGroupDescribe (key 69), v0: KIP-848 groups with their epochs, members, each member's
// current and target assignment. GROUP_ID_NOT_FOUND for unknown ids and for classic groups, as
// Kafka answers (they are described by DescribeGroups). GROUP_AUTHORIZATION_FAILED for groups the
// principal may not DESCRIBE.
import { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
  ConsumerGroupDescribeResponseDescribedGroup,
} from '../../protocol/generated/api/consumer-group-describe.js';
import type { BrokerServices } from '../broker-services.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  GROUP_OPERATIONS,
  authorizeGroup,
  authorizedOperations,
} from '../access.js';
import { AclOperation, ResourceType } from '../../metadata/acl-binding.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

async function describeOne(
  ctx: RequestContext<BrokerServices>,
  request: ConsumerGroupDescribeRequest,
  groupId: string,
): Promise<ConsumerGroupDescribeResponseDescribedGroup> {
  try {
    if (!authorizeGroup(ctx, AclOperation.DESCRIBE, groupId))
      throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
    const response = await ctx.services.groups.run(groupId, (shard) =>
      shard.consumerGroupDescribe({ ...request, groupIds: [groupId] }, groupContext(ctx)),
    );
    const [group] = response.groups;
    if (group !== undefined) return group;
    throw new Error(`The coordinator did not describe group ${groupId}`);
  } catch (err) {
    return {
      errorCode: groupErrorCode(ctx, err, groupId),
      errorMessage: err instanceof KafkaError ? err.message : null,
      groupId,
      groupState: '',
      groupEpoch: -1,
      assignmentEpoch: -1,
      assignorName: '',
      members: [],
      authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
  }
}

export const consumerGroupDescribeHandler = defineHandler({
  api: Apis.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: ConsumerGroupDescribeRequest,
  ): Promise<ConsumerGroupDescribeResponse> {
    const groups = await Promise.all(request.groupIds.map((id) => describeOne(ctx, request, id)));
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => ({
        ...g,
        authorizedOperations:
          request.includeAuthorizedOperations && g.errorCode === 0
            ? authorizedOperations(ctx, ResourceType.GROUP, g.groupId, GROUP_OPERATIONS)
            : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  },
});
