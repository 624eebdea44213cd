// LeaveGroup (key 13), v0-5: v0-2 name one member; v3+ a batch of members, by member id or by
// group.instance.id (KIP-345), each with its own error; v5 adds a reason, which is only logged
// by Kafka and ignored here.
// With an authorizer: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  LeaveGroupRequest,
  LeaveGroupResponse,
} from '../../protocol/generated/api/leave-group.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup } from '../access.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const leaveGroupHandler = defineHandler({
  api: Apis.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: LeaveGroupRequest,
  ): Promise<LeaveGroupResponse> {
    try {
      if (!authorizeGroup(ctx, AclOperation.READ, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
      return await ctx.services.groups.run(request.groupId, (shard) =>
        shard.leaveGroup(request, groupContext(ctx)),
      );
    } catch (err) {
      return {
        throttleTimeMs: 0,
        errorCode: groupErrorCode(ctx, err, request.groupId),
        members: [],
      };
    }
  },
});
