// TxnOffsetCommit (key 28), v0-4: offsets committed inside a transaction. The group coordinator
// validates them like OffsetCommit (v3+ name the member and generation) and writes them as a
// transactional batch of the producer; they become the group's offsets when the transaction's
// COMMIT marker reaches the group's __consumer_offsets partition, and vanish on ABORT.
import { Apis } from '../../protocol/generated/index.js';
import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from '../../protocol/generated/api/txn-offset-commit.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const txnOffsetCommitHandler = defineHandler({
  api: Apis.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: TxnOffsetCommitRequest,
  ): Promise<TxnOffsetCommitResponse> {
    try {
      return await ctx.services.groups.run(request.groupId, (shard) =>
        shard.txnOffsetCommit(request, groupContext(ctx)),
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
