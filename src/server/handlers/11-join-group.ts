// JoinGroup (key 11), v0-9: the classic protocol's first phase, served by the group's shard
// (src/coordinator/group). The response may wait for the other members (up to the rebalance
// timeout). v4+ new members first get MEMBER_ID_REQUIRED with their id (KIP-394); v5+ static
// members (group.instance.id); v7+ carry the protocol type; v9 skipAssignment stays false.
// With an authorizer: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  JoinGroupRequest,
  JoinGroupResponse,
} from '../../protocol/generated/api/join-group.js';
import { joinError } from '../../coordinator/group/responses.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup } from '../access.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const joinGroupHandler = defineHandler({
  api: Apis.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: JoinGroupRequest,
  ): Promise<JoinGroupResponse> {
    let response: JoinGroupResponse;
    try {
      if (!authorizeGroup(ctx, AclOperation.READ, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
      response = await ctx.services.groups.run(request.groupId, (shard) =>
        shard.joinGroup(request, groupContext(ctx)),
      );
    } catch (err) {
      response = joinError(groupErrorCode(ctx, err, request.groupId), request.memberId);
    }
    // Before v7 the protocol name is not nullable: Kafka sends "" for none.
    return ctx.apiVersion >= 7
      ? response
      : { ...response, protocolType: null, protocolName: response.protocolName ?? '' };
  },
});
