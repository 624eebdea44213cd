// AddPartitionsToTxn (key 24), v0-5: a transactional producer names the partitions it is about to
// write (v0-3, one transactional id per request). v4+ batch transactions, each answered on its
// own; Kafka's brokers send those to verify a transaction (verifyOnly), and so may tools.
// With an authorizer, as Kafka's KafkaApis: v0-3 need WRITE on the transactional id (else
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED everywhere) and on each topic (else nothing is added: those
// partitions get TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED or, when they do not
// exist, UNKNOWN_TOPIC_OR_PARTITION); v4+, meant for brokers, need CLUSTER_ACTION on the cluster
// (else CLUSTER_AUTHORIZATION_FAILED for the request).
import { ErrorCodes } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnRequestAddPartitionsToTxnTopic,
  AddPartitionsToTxnResponse,
  AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
} from '../../protocol/generated/api/add-partitions-to-txn.js';
import { addPartitionsErrorResult } from '../../coordinator/transaction/index.js';
import {
  addPartitionsResult,
  requestedPartitions,
} from '../../coordinator/transaction/add-partitions-result.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeCluster, authorizeTransactionalId } from '../access.js';
import { partitionByAuthorized } from './auth-helper.js';
import { errorFields } from './error-fields.js';

const E = ErrorCodes;

/**
 * The v0-3 answer when the principal may not write the transaction or one of its topics, or null
 * when it may write them all. Internal topics count as unauthorized, as in Kafka.
 */
function refusal(
  ctx: RequestContext<BrokerServices>,
  transactionalId: string,
  topics: readonly AddPartitionsToTxnRequestAddPartitionsToTxnTopic[],
): AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[] | null {
  const requested = requestedPartitions(topics);
  if (!authorizeTransactionalId(ctx, AclOperation.WRITE, transactionalId))
    return addPartitionsResult(requested, () => E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
  const { unauthorized } = partitionByAuthorized(ctx, AclOperation.WRITE, topics);
  if (unauthorized.length === 0) return null;
  const denied = new Set(unauthorized.map((t) => t.name));
  return addPartitionsResult(requested, (name, partition) => {
    const topic = ctx.services.metadata.topic(name);
    if (denied.has(name) || topic?.internal === true) return E.TOPIC_AUTHORIZATION_FAILED.code;
    return topic !== undefined && partition >= 0 && partition < topic.partitions
      ? E.OPERATION_NOT_ATTEMPTED.code
      : E.UNKNOWN_TOPIC_OR_PARTITION.code;
  });
}

export const addPartitionsToTxnHandler = defineHandler({
  api: Apis.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: AddPartitionsToTxnRequest,
  ): Promise<AddPartitionsToTxnResponse> {
    const txnCtx = { apiVersion: ctx.apiVersion };
    const { transactions } = ctx.services;
    if (ctx.apiVersion >= 4) {
      if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION)) {
        const errorCode = E.CLUSTER_AUTHORIZATION_FAILED.code;
        return { ...Apis.AddPartitionsToTxn.response.create(), errorCode };
      }
      const resultsByTransaction = await Promise.all(
        request.transactions.map(async (t) => {
          try {
            return await transactions.addPartitionsToTransaction(t, txnCtx);
          } catch (err) {
            const { errorCode } = errorFields(ctx, err, `transactional id ${t.transactionalId}`);
            return addPartitionsErrorResult(t, errorCode);
          }
        }),
      );
      return { ...Apis.AddPartitionsToTxn.response.create(), resultsByTransaction };
    }
    const refused = refusal(ctx, request.v3AndBelowTransactionalId, request.v3AndBelowTopics);
    if (refused !== null)
      return { ...Apis.AddPartitionsToTxn.response.create(), resultsByTopicV3AndBelow: refused };
    try {
      return await transactions.addPartitionsToTxn(request, txnCtx);
    } catch (err) {
      const id = request.v3AndBelowTransactionalId;
      const { errorCode } = errorFields(ctx, err, `transactional id ${id}`);
      return {
        ...Apis.AddPartitionsToTxn.response.create(),
        resultsByTopicV3AndBelow: request.v3AndBelowTopics.map((t) => ({
          name: t.name,
          resultsByPartition: t.partitions.map((partitionIndex) => ({
            partitionIndex,
            partitionErrorCode: errorCode,
          })),
        })),
      };
    }
  },
});
