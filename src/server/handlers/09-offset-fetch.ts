// OffsetFetch (key 9), v0-9: a group's committed offsets, for the partitions named or (topics
// null, v2+) for every partition it committed. v0-7 ask for one group; v8+ batch groups, each
// answered with its own error. An uncommitted partition gets offset -1 and no error.
// v7+ requireStable only matters with transactions, which do not exist yet.
import { Apis } from '../../protocol/generated/index.js';
import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
} from '../../protocol/generated/api/offset-fetch.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { groupContext, groupErrorCode } from './group-context.js';

async function fetchGroup(
  ctx: RequestContext<BrokerServices>,
  request: OffsetFetchRequest,
  group: OffsetFetchRequest['groups'][number],
): Promise<OffsetFetchResponseGroup> {
  try {
    const response = await ctx.services.groups.run(group.groupId, (shard) =>
      shard.offsetFetch({ ...request, groups: [group] }, groupContext(ctx)),
    );
    const [answer] = response.groups;
    if (answer !== undefined) return answer;
    return { groupId: group.groupId, topics: [], errorCode: response.errorCode };
  } catch (err) {
    return {
      groupId: group.groupId,
      topics: [],
      errorCode: groupErrorCode(ctx, err, group.groupId),
    };
  }
}

export const offsetFetchHandler = defineHandler({
  api: Apis.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: OffsetFetchRequest,
  ): Promise<OffsetFetchResponse> {
    if (ctx.apiVersion >= 8) {
      const groups = await Promise.all(request.groups.map((g) => fetchGroup(ctx, request, g)));
      return { throttleTimeMs: 0, topics: [], errorCode: 0, groups };
    }
    let response: OffsetFetchResponse;
    try {
      response = await ctx.services.groups.run(request.groupId, (shard) =>
        shard.offsetFetch(request, groupContext(ctx)),
      );
    } catch (err) {
      // v0-1 have no top-level error: each partition asked for carries it.
      const errorCode = groupErrorCode(ctx, err, request.groupId);
      response = {
        throttleTimeMs: 0,
        errorCode,
        groups: [],
        topics: (request.topics ?? []).map((t) => ({
          name: t.name,
          partitions: t.partitionIndexes.map((partitionIndex) => ({
            partitionIndex,
            committedOffset: -1n,
            committedLeaderEpoch: -1,
            metadata: '',
            errorCode,
          })),
        })),
      };
    }
    if (ctx.apiVersion >= 5) return response;
    return {
      ...response,
      topics: response.topics.map((t) => ({
        ...t,
        partitions: t.partitions.map((p) => ({ ...p, committedLeaderEpoch: -1 })),
      })),
    };
  },
});
