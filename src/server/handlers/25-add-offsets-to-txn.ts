// AddOffsetsToTxn (key 25), v0-4: a transactional producer is about to commit a group's offsets
// (sendOffsetsToTransaction): the group's __consumer_offsets partition joins the transaction, so
// the commit or abort marker also reaches the offsets (TxnOffsetCommit, key 28).
// With an authorizer: WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
// then READ on the group (else GROUP_AUTHORIZATION_FAILED).
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  AddOffsetsToTxnRequest,
  AddOffsetsToTxnResponse,
} from '../../protocol/generated/api/add-offsets-to-txn.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup, authorizeTransactionalId } from '../access.js';
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
      if (!authorizeTransactionalId(ctx, AclOperation.WRITE, request.transactionalId))
        throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
      if (!authorizeGroup(ctx, AclOperation.READ, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
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
