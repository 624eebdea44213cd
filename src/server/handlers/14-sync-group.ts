// SyncGroup (key 14), v0-5: the classic protocol's second phase. The leader sends every
// member's assignment; the others wait for it. v3+ static members; v5+ the protocol type and
// name are checked against the group's and echoed back.
// With an authorizer: READ on the group, else GROUP_AUTHORIZATION_FAILED.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../protocol/generated/api/sync-group.js';
import { syncResponse } from '../../coordinator/group/responses.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup } from '../access.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const syncGroupHandler = defineHandler({
  api: Apis.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: SyncGroupRequest,
  ): Promise<SyncGroupResponse> {
    let response: SyncGroupResponse;
    try {
      if (!authorizeGroup(ctx, AclOperation.READ, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
      response = await ctx.services.groups.run(request.groupId, (shard) =>
        shard.syncGroup(request, groupContext(ctx)),
      );
    } catch (err) {
      response = syncResponse(groupErrorCode(ctx, err, request.groupId));
    }
    return ctx.apiVersion >= 5 ? response : { ...response, protocolType: null, protocolName: null };
  },
});
