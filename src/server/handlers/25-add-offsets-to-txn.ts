// AddOffsetsToTxn (key 25), v0-4: a transactional producer is about to commit a group's offsets
// (sendOffsetsToTransaction): the group's __consumer_offsets partition joins the transaction, so
// the commit or abort marker also reaches the offsets (TxnOffsetCommit, key 28).
import { Apis } from '../../protocol/generated/index.js';
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
} from '../../protocol/generated/api/add-offsets-to-txn.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';

export const addOffsetsToTxnHandler = defineHandler({
  api: Apis.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: AddOffsetsToTxnRequest,
  ): Promise<AddOffsetsToTxnResponse> {
    try {
      return await ctx.services.transactions.addOffsetsToTxn(request, {
        apiVersion: ctx.apiVersion,
      });
    } catch (err) {
      const id = request.transactionalId;
      return {
        throttleTimeMs: 0,
        errorCode: errorFields(ctx, err, `transactional id ${id}`).errorCode,
      };
    }
  },
});
