// DescribeTransactions (key 65), v0: the state, producer, timeout, start time and partitions of
// each transactional id (TRANSACTIONAL_ID_NOT_FOUND for unknown ids).
// With an authorizer: DESCRIBE on each id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED for it.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
} from '../../protocol/generated/api/describe-transactions.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeTransactionalId } from '../access.js';
import { errorFields } from './error-fields.js';

export const describeTransactionsHandler = defineHandler({
  api: Apis.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: DescribeTransactionsRequest,
  ): DescribeTransactionsResponse {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((transactionalId) => {
        try {
          if (!authorizeTransactionalId(ctx, AclOperation.DESCRIBE, transactionalId))
            throw new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
          return ctx.services.transactions.describeTransaction(transactionalId);
        } catch (err) {
          return {
            errorCode: errorFields(ctx, err, `transactional id ${transactionalId}`).errorCode,
            transactionalId,
            transactionState: '',
            transactionTimeoutMs: 0,
            transactionStartTimeMs: -1n,
            producerId: -1n,
            producerEpoch: -1,
            topics: [],
          };
        }
      }),
    };
  },
});
