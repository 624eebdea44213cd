// Heartbeat (key 12), v0-4: keeps a classic member's session alive and tells it when the group
// rebalances (REBALANCE_IN_PROGRESS). v3+ static members.
import { Apis } from '../../protocol/generated/index.js';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
} from '../../protocol/generated/api/heartbeat.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
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
      return await ctx.services.groups.run(request.groupId, (shard) =>
        shard.heartbeat(request, groupContext(ctx)),
      );
    } catch (err) {
      return { throttleTimeMs: 0, errorCode: groupErrorCode(ctx, err, request.groupId) };
    }
  },
});
