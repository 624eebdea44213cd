// DeleteGroups (key 42), v0-2: deletes empty groups and their offsets (tombstones in
// __consumer_offsets); NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND when unknown.
// Results keep the request's order.
// With an authorizer: DELETE on each group, else GROUP_AUTHORIZATION_FAILED for that group.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
  DeleteGroupsResponseDeletableGroupResult,
} from '../../protocol/generated/api/delete-groups.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup } from '../access.js';
import { groupContext, groupErrorCode } from './group-context.js';

export const deleteGroupsHandler = defineHandler({
  api: Apis.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: DeleteGroupsRequest,
  ): Promise<DeleteGroupsResponse> {
    const results = new Map<string, DeleteGroupsResponseDeletableGroupResult>();
    await Promise.all(
      request.groupsNames.map(async (groupId) => {
        try {
          if (!authorizeGroup(ctx, AclOperation.DELETE, groupId))
            throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
          const response = await ctx.services.groups.run(groupId, (shard) =>
            shard.deleteGroups({ groupsNames: [groupId] }, groupContext(ctx)),
          );
          for (const r of response.results) results.set(r.groupId, r);
        } catch (err) {
          results.set(groupId, { groupId, errorCode: groupErrorCode(ctx, err, groupId) });
        }
      }),
    );
    return {
      throttleTimeMs: 0,
      results: request.groupsNames.map(
        (groupId) => results.get(groupId) ?? { groupId, errorCode: 0 },
      ),
    };
  },
});
