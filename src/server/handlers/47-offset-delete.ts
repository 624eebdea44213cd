// OffsetDelete (key 47), v0: deletes a group's committed offsets for partitions of topics the
// group is not subscribed to (GROUP_SUBSCRIBED_TO_TOPIC otherwise), writing tombstones.
import { Apis } from '../../protocol/generated/index.js';
import type {
  OffsetDeleteRequest,
  OffsetDeleteResponse,
} from '../../protocol/generated/api/offset-delete.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const offsetDeleteHandler = defineHandler({
  api: Apis.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: OffsetDeleteRequest,
  ): Promise<OffsetDeleteResponse> {
    try {
      return await ctx.services.groups.run(request.groupId, (shard) =>
        shard.offsetDelete(request, groupContext(ctx)),
      );
    } catch (err) {
      return {
        errorCode: groupErrorCode(ctx, err, request.groupId),
        throttleTimeMs: 0,
        topics: [],
      };
    }
  },
});
