// TxnOffsetCommit (key 28), v0-4: offsets committed inside a transaction. The group coordinator
// validates them like OffsetCommit (v3+ name the member and generation) and writes them as a
// transactional batch of the producer; they become the group's offsets when the transaction's
// COMMIT marker reaches the group's __consumer_offsets partition, and vanish on ABORT.
// With an authorizer: WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
// and READ on the group (else GROUP_AUTHORIZATION_FAILED), for every partition; then READ on each
// topic (else TOPIC_AUTHORIZATION_FAILED for its partitions, which are not committed).
import { ErrorCodes } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  TxnOffsetCommitRequest,
  TxnOffsetCommitResponse,
} from '../../protocol/generated/api/txn-offset-commit.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup, authorizeTransactionalId } from '../access.js';
import { failPartitions, partitionByAuthorized } from './auth-helper.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const txnOffsetCommitHandler = defineHandler({
  api: Apis.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 4,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: TxnOffsetCommitRequest,
  ): Promise<TxnOffsetCommitResponse> {
    const failEvery = (errorCode: number): TxnOffsetCommitResponse => ({
      throttleTimeMs: 0,
      topics: failPartitions(request.topics, errorCode),
    });
    if (!authorizeTransactionalId(ctx, AclOperation.WRITE, request.transactionalId))
      return failEvery(ErrorCodes.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
    if (!authorizeGroup(ctx, AclOperation.READ, request.groupId))
      return failEvery(ErrorCodes.GROUP_AUTHORIZATION_FAILED.code);
    const { authorized, unauthorized } = partitionByAuthorized(
      ctx,
      AclOperation.READ,
      request.topics,
    );
    const denied = failPartitions(unauthorized, ErrorCodes.TOPIC_AUTHORIZATION_FAILED.code);
    // Kafka answers at once when no topic is left for the coordinator.
    if (authorized.length === 0 && denied.length > 0) return { throttleTimeMs: 0, topics: denied };
    try {
      const response = await ctx.services.groups.run(request.groupId, (shard) =>
        shard.txnOffsetCommit({ ...request, topics: authorized }, groupContext(ctx)),
      );
      return { ...response, topics: [...denied, ...response.topics] };
    } catch (err) {
      const errorCode = groupErrorCode(ctx, err, request.groupId);
      return { throttleTimeMs: 0, topics: [...denied, ...failPartitions(authorized, errorCode)] };
    }
  },
});
