// ConsumerGroupHeartbeat (key 68), v0-1: the KIP-848 consumer group protocol. Joining, leaving
// and every heartbeat go through this one request; the broker computes the assignment (server
// assignors `uniform` and `range`) and hands it out incrementally. v1 adds regex subscriptions
// and has clients generate their member id. The rules live in the group's shard
// (src/coordinator/group/consumer-group-heartbeat.ts).
// With an authorizer: READ on the group (else GROUP_AUTHORIZATION_FAILED) and DESCRIBE on every
// subscribed topic name (else TOPIC_AUTHORIZATION_FAILED, the member left unchanged), as Kafka's
// KafkaApis. Not done yet: Kafka 4.0's coordinator also drops the regex matches the member may
// not DESCRIBE; here a regex can bring such a topic into the assignment (OffsetFetch still
// refuses it with TOPIC_AUTHORIZATION_FAILED).
import { ErrorCodes, KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../protocol/generated/api/consumer-group-heartbeat.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup, authorizeTopic } from '../access.js';
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
      if (!authorizeGroup(ctx, AclOperation.READ, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
      const names = request.subscribedTopicNames ?? [];
      if (names.some((name) => !authorizeTopic(ctx, AclOperation.DESCRIBE, name)))
        throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
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
