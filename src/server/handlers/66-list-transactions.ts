// ListTransactions (key 66), v0-1: every transactional id this broker coordinates, filtered by
// state and producer id; v1 adds a minimum duration of the open transaction.
// With an authorizer: ids the principal may not DESCRIBE are left out.
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  ListTransactionsRequest,
  ListTransactionsResponse,
} from '../../protocol/generated/api/list-transactions.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeTransactionalId } from '../access.js';

export const listTransactionsHandler = defineHandler({
  api: Apis.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: ListTransactionsRequest,
  ): ListTransactionsResponse {
    const response = ctx.services.transactions.listTransactions(request);
    return {
      ...response,
      transactionStates: response.transactionStates.filter((t) =>
        authorizeTransactionalId(ctx, AclOperation.DESCRIBE, t.transactionalId),
      ),
    };
  },
});
