// ConsumerGroupHeartbeat (key 68), v0-1: the KIP-848 consumer group protocol. Joining, leaving
// and every heartbeat go through this one request; the broker computes the assignment (server
// assignors `uniform` and `range`) and hands it out incrementally. v1 adds regex subscriptions
// and has clients generate their member id. The rules live in the group's shard
// (src/coordinator/group/consumer-group-heartbeat.ts).
import { ErrorCodes, KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/api/consumer-group-heartbeat.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const consumerGroupHeartbeatHandler = defineHandler({
  api: Apis.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: ConsumerGroupHeartbeatRequest,
  ): Promise<ConsumerGroupHeartbeatResponse> {
    try {
      return await ctx.services.groups.run(request.groupId, (shard) =>
        shard.consumerGroupHeartbeat(request, groupContext(ctx)),
      );
    } catch (err) {
      const errorCode = groupErrorCode(ctx, err, request.groupId);
      return {
        ...Apis.ConsumerGroupHeartbeat.response.create(),
        errorCode,
        errorMessage:
          err instanceof KafkaError
            ? err.message
            : (ErrorCodes.UNKNOWN_SERVER_ERROR.message ?? null),
        memberId: null,
        memberEpoch: -1,
      };
    }
  },
});
