// What the group handlers share: the shard's view of a request (version, client id, client host)
// and the error code a failed coordinator call answers with.
import { toErrorCode } from '../../errors/kafka-error.js';
import { shardContext } from '../../coordinator/group/group-coordinator.js';
import type { RequestContext as ShardRequestContext } from '../../coordinator/group/index.js';
import type { BrokerServices } from '../broker-services.js';
import type { RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';

export function groupContext(ctx: RequestContext<BrokerServices>): ShardRequestContext {
  return shardContext(ctx.apiVersion, ctx.clientId, ctx.clientAddress);
}

/** The error code for a coordinator failure; unexpected ones are logged by errorFields. */
export function groupErrorCode(
  ctx: RequestContext<BrokerServices>,
  err: unknown,
  groupId: string,
): number {
  return toErrorCode(err) === -1
    ? errorFields(ctx, err, `group ${groupId}`).errorCode
    : toErrorCode(err);
}
