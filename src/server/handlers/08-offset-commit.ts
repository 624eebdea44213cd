// OffsetCommit (key 8), v0-9: commits offsets for a group's partitions, each answered with its
// own error. A member commits with its generation (classic) or member epoch (KIP-848 groups);
// generation -1 with an empty member id commits for a group that never joins ("simple" groups,
// kcat and admin tools). Every committed partition becomes an OffsetCommit record in
// __consumer_offsets before the answer. v1's per-request timestamp and v2-4's retention time are
// ignored, as Kafka 3+ ignores them: offsets.retention.minutes decides.
import { Apis } from '../../protocol/generated/index.js';
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
} from '../../protocol/generated/api/offset-commit.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const offsetCommitHandler = defineHandler({
  api: Apis.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: OffsetCommitRequest,
  ): Promise<OffsetCommitResponse> {
    try {
      return await ctx.services.groups.run(request.groupId, (shard) =>
        shard.offsetCommit(request, groupContext(ctx)),
      );
    } catch (err) {
      const errorCode = groupErrorCode(ctx, err, request.groupId);
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
        })),
      };
    }
  },
});
