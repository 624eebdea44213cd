// OffsetDelete (key 47), v0: deletes a group's committed offsets for partitions of topics the
// group is not subscribed to (GROUP_SUBSCRIBED_TO_TOPIC otherwise), writing tombstones.
// With an authorizer: DELETE on the group (else GROUP_AUTHORIZATION_FAILED for the request) and
// READ on each topic (else TOPIC_AUTHORIZATION_FAILED for its partitions, which stay untouched).
import { ErrorCodes, KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  OffsetDeleteRequest,
  OffsetDeleteResponse,
} from '../../protocol/generated/api/offset-delete.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup } from '../access.js';
import { failPartitions, partitionByAuthorized } from './auth-helper.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const offsetDeleteHandler = defineHandler({
  api: Apis.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: OffsetDeleteRequest,
  ): Promise<OffsetDeleteResponse> {
    try {
      if (!authorizeGroup(ctx, AclOperation.DELETE, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
      const { authorized, unauthorized } = partitionByAuthorized(
        ctx,
        AclOperation.READ,
        request.topics,
      );
      const response = await ctx.services.groups.run(request.groupId, (shard) =>
        shard.offsetDelete({ ...request, topics: authorized }, groupContext(ctx)),
      );
      // A group-level error replaces the per-partition ones, as Kafka's OffsetDeleteResponse.Builder.
      if (response.errorCode !== 0) return response;
      const denied = failPartitions(unauthorized, ErrorCodes.TOPIC_AUTHORIZATION_FAILED.code);
      return { ...response, topics: [...denied, ...response.topics] };
    } catch (err) {
      return {
        errorCode: groupErrorCode(ctx, err, request.groupId),
        throttleTimeMs: 0,
        topics: [],
      };
    }
  },
});
