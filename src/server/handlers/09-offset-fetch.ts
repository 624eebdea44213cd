// OffsetFetch (key 9), v0-9: a group's committed offsets, for the partitions named or (topics
// null, v2+) for every partition it committed. v0-7 ask for one group; v8+ batch groups, each
// answered with its own error. An uncommitted partition gets offset -1 and no error.
// v7+ requireStable only matters with transactions, which do not exist yet.
// With an authorizer: DESCRIBE on each group (else GROUP_AUTHORIZATION_FAILED) and on each topic:
// a named topic without it gets TOPIC_AUTHORIZATION_FAILED, and all-partitions answers leave it out.
import { ErrorCodes, KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
  OffsetFetchResponseTopics,
} from '../../protocol/generated/api/offset-fetch.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup, authorizeTopic } from '../access.js';
import { partitionByAuthorized } from './auth-helper.js';
import { groupContext, groupErrorCode } from './group-context.js';

/**
 * The topics to ask the coordinator for (null: all of them), and how to complete its answer: named
 * topics the principal may not DESCRIBE are answered TOPIC_AUTHORIZATION_FAILED without asking;
 * from an all-partitions answer they are left out (Kafka's fetchAllOffsetsForGroup).
 */
function describableTopics<T extends { name: string; partitionIndexes: number[] }>(
  ctx: RequestContext<BrokerServices>,
  topics: T[] | null,
): {
  asked: T[] | null;
  complete: (answered: OffsetFetchResponseTopics[]) => OffsetFetchResponseTopics[];
} {
  if (topics === null) {
    return {
      asked: null,
      complete: (answered) =>
        answered.filter((t) => authorizeTopic(ctx, AclOperation.DESCRIBE, t.name)),
    };
  }
  const { authorized, unauthorized } = partitionByAuthorized(ctx, AclOperation.DESCRIBE, topics);
  const errorCode = ErrorCodes.TOPIC_AUTHORIZATION_FAILED.code;
  const denied = unauthorized.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode,
    })),
  }));
  return { asked: authorized, complete: (answered) => [...answered, ...denied] };
}

async function fetchGroup(
  ctx: RequestContext<BrokerServices>,
  request: OffsetFetchRequest,
  group: OffsetFetchRequest['groups'][number],
): Promise<OffsetFetchResponseGroup> {
  try {
    if (!authorizeGroup(ctx, AclOperation.DESCRIBE, group.groupId))
      throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
    const { asked, complete } = describableTopics(ctx, group.topics);
    const response = await ctx.services.groups.run(group.groupId, (shard) =>
      shard.offsetFetch({ ...request, groups: [{ ...group, topics: asked }] }, groupContext(ctx)),
    );
    const [answer] = response.groups;
    if (answer === undefined)
      return { groupId: group.groupId, topics: [], errorCode: response.errorCode };
    return answer.errorCode === 0 ? { ...answer, topics: complete(answer.topics) } : answer;
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
      if (!authorizeGroup(ctx, AclOperation.DESCRIBE, request.groupId))
        throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
      const { asked, complete } = describableTopics(ctx, request.topics);
      response = await ctx.services.groups.run(request.groupId, (shard) =>
        shard.offsetFetch({ ...request, topics: asked }, groupContext(ctx)),
      );
      if (response.errorCode === 0) response = { ...response, topics: complete(response.topics) };
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
