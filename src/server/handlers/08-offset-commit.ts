// OffsetCommit (key 8), v0-9: commits offsets for a group's partitions, each answered with its
// own error. A member commits with its generation (classic) or member epoch (KIP-848 groups);
// generation -1 with an empty member id commits for a group that never joins ("simple" groups,
// kcat and admin tools). Every committed partition becomes an OffsetCommit record in
// __consumer_offsets before the answer. v1's per-request timestamp and v2-4's retention time are
// ignored, as Kafka 3+ ignores them: offsets.retention.minutes decides.
// As in Kafka's KafkaApis, a topic that does not exist, or a partition it does not have, gets
// UNKNOWN_TOPIC_OR_PARTITION here and never reaches the coordinator (librdkafka's 0030 checks it).
// With an authorizer: READ on the group (else GROUP_AUTHORIZATION_FAILED for every partition) and
// on each topic (else TOPIC_AUTHORIZATION_FAILED for its partitions, checked before existence).
import { ErrorCodes } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetCommitResponseTopic,
} from '../../protocol/generated/api/offset-commit.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup } from '../access.js';
import { failPartitions, partitionByAuthorized } from './auth-helper.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const offsetCommitHandler = defineHandler({
  api: Apis.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: OffsetCommitRequest,
  ): Promise<OffsetCommitResponse> {
    if (!authorizeGroup(ctx, AclOperation.READ, request.groupId)) {
      const errorCode = ErrorCodes.GROUP_AUTHORIZATION_FAILED.code;
      return { throttleTimeMs: 0, topics: failPartitions(request.topics, errorCode) };
    }
    const { authorized, unauthorized } = partitionByAuthorized(
      ctx,
      AclOperation.READ,
      request.topics,
    );
    const rejected: OffsetCommitResponseTopic[] = failPartitions(
      unauthorized,
      ErrorCodes.TOPIC_AUTHORIZATION_FAILED.code,
    );
    const known: OffsetCommitRequest['topics'] = [];
    for (const t of authorized) {
      const partitions = ctx.services.metadata.topic(t.name)?.partitions ?? 0;
      const valid = t.partitions.filter(
        (p) => p.partitionIndex >= 0 && p.partitionIndex < partitions,
      );
      const invalid = t.partitions.filter((p) => !valid.includes(p));
      if (invalid.length > 0) {
        const { code } = ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION;
        rejected.push(...failPartitions([{ name: t.name, partitions: invalid }], code));
      }
      if (valid.length > 0) known.push({ ...t, partitions: valid });
    }
    // Kafka answers at once when nothing is left for the coordinator, without checking the group.
    if (known.length === 0) return { throttleTimeMs: 0, topics: rejected };
    try {
      const response = await ctx.services.groups.run(request.groupId, (shard) =>
        shard.offsetCommit({ ...request, topics: known }, groupContext(ctx)),
      );
      return { ...response, topics: [...rejected, ...response.topics] };
    } catch (err) {
      const errorCode = groupErrorCode(ctx, err, request.groupId);
      return {
        throttleTimeMs: 0,
        topics: [...rejected, ...failPartitions(known, errorCode)],
      };
    }
  },
});
