// EndTxn (key 26), v0-4: commit or abort the producer's transaction. The answer comes once the
// PrepareCommit/PrepareAbort record is in __transaction_state; the markers follow. v5 is Kafka's
// transactions v2 (KIP-890), which clients use only when the broker advertises the
// `transaction.version` feature; Samsa does not, so v5 is not served.
// With an authorizer: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type { EndTxnRequest, EndTxnResponse } from '../../protocol/generated/api/end-txn.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeTransactionalId } from '../access.js';
import { errorFields } from './error-fields.js';

export const endTxnHandler = defineHandler({
  api: Apis.EndTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: EndTxnRequest,
  ): Promise<EndTxnResponse> {
    try {
      if (!authorizeTransactionalId(ctx, AclOperation.WRITE, request.transactionalId))
        throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
      return await ctx.services.transactions.endTxn(request, { apiVersion: ctx.apiVersion });
    } catch (err) {
      return {
        ...Apis.EndTxn.response.create(),
        errorCode: errorFields(ctx, err, `transactional id ${request.transactionalId}`).errorCode,
      };
    }
  },
});
