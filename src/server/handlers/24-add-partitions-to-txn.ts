// AddPartitionsToTxn (key 24), v0-5: a transactional producer names the partitions it is about to
// write (v0-3, one transactional id per request). v4+ batch transactions, each answered on its
// own; Kafka's brokers send those to verify a transaction (verifyOnly), and so may tools.
import { Apis } from '../../protocol/generated/index.js';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
} from '../../protocol/generated/api/add-partitions-to-txn.js';
import { addPartitionsErrorResult } from '../../coordinator/transaction/index.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';

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
