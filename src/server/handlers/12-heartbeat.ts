// Heartbeat (key 12), v0-4: keeps a classic member's session alive and tells it when the group
// rebalances (REBALANCE_IN_PROGRESS). v3+ static members.
// With an authorizer: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
} from '../../protocol/generated/api/heartbeat.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup } from '../access.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const heartbeatHandler = defineHandler({
  api: Apis.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: HeartbeatRequest,
  ): Promise<HeartbeatResponse> {
    try {
      if (!authorizeGroup(ctx, AclOperation.READ, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
      return await ctx.services.groups.run(request.groupId, (shard) =>
        shard.heartbeat(request, groupContext(ctx)),
      );
    } catch (err) {
      return { throttleTimeMs: 0, errorCode: groupErrorCode(ctx, err, request.groupId) };
    }
  },
});
