// The capture server's answers, one function per API it advertises: just enough for a real client
// to finish its handshake, produce, and consume from one partition. Single broker (node 1), topics
// auto-created with one partition when the request allows it (and returned at once, where Kafka
// first answers LEADER_NOT_AVAILABLE), no transactions, no groups (FindCoordinator answers, but
// nothing behind it), no fetch sessions (every fetch is a full fetch), no quotas.
import type { ApiDefinition } from '../../../src/protocol/api.js';
import { ErrorCodes } from '../../../src/errors/generated/error-codes.js';
import type { ApiVersionsResponse } from '../../../src/protocol/generated/api/api-versions.js';
import type {
  FetchRequest,
  FetchRequestFetchTopic,
  FetchResponse,
  FetchResponseFetchableTopicResponse,
  FetchResponsePartitionData,
} from '../../../src/protocol/generated/api/fetch.js';
import { defaultFetchResponsePartitionData } from '../../../src/protocol/generated/api/fetch.js';
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
} from '../../../src/protocol/generated/api/find-coordinator.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../../src/protocol/generated/api/init-producer-id.js';
import type {
  ListOffsetsRequest,
  ListOffsetsRequestListOffsetsPartition,
  ListOffsetsResponse,
  ListOffsetsResponseListOffsetsPartitionResponse,
} from '../../../src/protocol/generated/api/list-offsets.js';
import { defaultListOffsetsResponseListOffsetsPartitionResponse } from '../../../src/protocol/generated/api/list-offsets.js';
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseTopic,
} from '../../../src/protocol/generated/api/metadata.js';
import { defaultMetadataResponseTopic } from '../../../src/protocol/generated/api/metadata.js';
import type {
  ProduceRequest,
  ProduceResponse,
  ProduceResponsePartitionProduceResponse,
} from '../../../src/protocol/generated/api/produce.js';
import { defaultProduceResponsePartitionProduceResponse } from '../../../src/protocol/generated/api/produce.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import type { VersionRange } from './advertised-versions.js';
import type { Topic, TopicStore } from './topic-store.js';

export const NODE_ID = 1;
export const CLUSTER_ID = 'samsa-golden-capture';

export interface HandlerContext {
  version: number;
  store: TopicStore;
  host: string;
  port: number;
  advertised: ReadonlyMap<number, VersionRange>;
  /** Longest a fetch with no data waits, however long max_wait_ms is. */
  fetchWaitCapMs: number;
  nextProducerId: () => bigint;
}

/** A response body, or null when the request gets none (Produce with acks=0). */
export type HandlerResult = unknown;

const code = (name: keyof typeof ErrorCodes): number => ErrorCodes[name].code;

export function handleApiVersions(ctx: HandlerContext): ApiVersionsResponse {
  const response = Apis.ApiVersions.response.create();
  response.apiKeys = [...ctx.advertised]
    .sort(([a], [b]) => a - b)
    .map(([apiKey, range]) => ({ apiKey, ...range }));
  return response;
}

/**
 * The reply to an ApiVersions version above what we advertise: UNSUPPORTED_VERSION in the v0
 * layout, listing only ApiVersions' own range so the client can retry lower (KIP-511).
 */
export function unsupportedApiVersionsResponse(range: VersionRange): ApiVersionsResponse {
  const response = Apis.ApiVersions.response.create();
  response.errorCode = code('UNSUPPORTED_VERSION');
  response.apiKeys = [{ apiKey: Apis.ApiVersions.apiKey, ...range }];
  return response;
}

function describeTopic(topic: Topic): MetadataResponseTopic {
  const out = defaultMetadataResponseTopic();
  out.name = topic.name;
  out.topicId = topic.id;
  out.partitions = topic.partitions.map((_, partitionIndex) => ({
    errorCode: 0,
    partitionIndex,
    leaderId: NODE_ID,
    leaderEpoch: 0,
    replicaNodes: [NODE_ID],
    isrNodes: [NODE_ID],
    offlineReplicas: [],
  }));
  return out;
}

export function handleMetadata(ctx: HandlerContext, request: MetadataRequest): MetadataResponse {
  const response = Apis.Metadata.response.create();
  response.brokers = [{ nodeId: NODE_ID, host: ctx.host, port: ctx.port, rack: null }];
  response.clusterId = CLUSTER_ID;
  response.controllerId = NODE_ID;
  // v0 asks for every topic with an empty list; v1+ with null. Before v4 Kafka auto-created.
  const all = request.topics === null || (ctx.version === 0 && request.topics.length === 0);
  const autoCreate = ctx.version < 4 || request.allowAutoTopicCreation;
  if (all) {
    response.topics = ctx.store.topics.map(describeTopic);
    return response;
  }
  response.topics = (request.topics ?? []).map((wanted) => {
    const known =
      wanted.name === null ? ctx.store.byId(wanted.topicId) : ctx.store.byName(wanted.name);
    if (known !== undefined) return describeTopic(known);
    if (wanted.name !== null && autoCreate) return describeTopic(ctx.store.create(wanted.name));
    const missing = defaultMetadataResponseTopic();
    missing.name = wanted.name;
    missing.topicId = wanted.topicId;
    missing.errorCode = code(
      wanted.name === null ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION',
    );
    return missing;
  });
  return response;
}

export function handleProduce(
  ctx: HandlerContext,
  request: ProduceRequest,
): ProduceResponse | null {
  const response = Apis.Produce.response.create();
  response.responses = request.topicData.map((topicData) => ({
    name: topicData.name,
    partitionResponses: topicData.partitionData.map((data) => {
      const out: ProduceResponsePartitionProduceResponse = {
        ...defaultProduceResponsePartitionProduceResponse(),
        index: data.index,
      };
      const partition = ctx.store.byName(topicData.name)?.partitions[data.index];
      if (partition === undefined) {
        out.errorCode = code('UNKNOWN_TOPIC_OR_PARTITION');
        return out;
      }
      try {
        out.baseOffset = partition.append(data.records ?? Buffer.alloc(0));
        out.logStartOffset = partition.logStartOffset;
      } catch (err) {
        out.errorCode = code('CORRUPT_MESSAGE');
        out.errorMessage = (err as Error).message;
      }
      return out;
    }),
  }));
  // acks=0: Kafka sends no response at all.
  return request.acks === 0 ? null : response;
}

function fetchTopic(ctx: HandlerContext, topic: FetchRequestFetchTopic): Topic | undefined {
  return ctx.version >= 13 ? ctx.store.byId(topic.topicId) : ctx.store.byName(topic.topic);
}

function buildFetchResponse(ctx: HandlerContext, request: FetchRequest): FetchResponse {
  const response = Apis.Fetch.response.create();
  response.responses = request.topics.map((wanted): FetchResponseFetchableTopicResponse => {
    const topic = fetchTopic(ctx, wanted);
    return {
      topic: ctx.version >= 13 ? '' : wanted.topic,
      topicId: ctx.version >= 13 ? wanted.topicId : 'AAAAAAAAAAAAAAAAAAAAAA',
      partitions: wanted.partitions.map((p): FetchResponsePartitionData => {
        const out = { ...defaultFetchResponsePartitionData(), partitionIndex: p.partition };
        out.abortedTransactions = null;
        const partition = topic?.partitions[p.partition];
        if (partition === undefined) {
          out.errorCode = code(
            ctx.version >= 13 ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION',
          );
          out.highWatermark = -1n;
          return out;
        }
        out.highWatermark = partition.logEndOffset;
        out.lastStableOffset = partition.logEndOffset;
        out.logStartOffset = partition.logStartOffset;
        if (p.fetchOffset < partition.logStartOffset || p.fetchOffset > partition.logEndOffset) {
          out.errorCode = code('OFFSET_OUT_OF_RANGE');
          return out;
        }
        out.records = partition.read(p.fetchOffset, p.partitionMaxBytes);
        return out;
      }),
    };
  });
  return response;
}

function fetchedBytes(response: FetchResponse): number {
  let n = 0;
  for (const t of response.responses) for (const p of t.partitions) n += p.records?.length ?? 0;
  return n;
}

export async function handleFetch(
  ctx: HandlerContext,
  request: FetchRequest,
): Promise<FetchResponse> {
  const first = buildFetchResponse(ctx, request);
  const wait = Math.min(request.maxWaitMs, ctx.fetchWaitCapMs);
  if (fetchedBytes(first) > 0 || wait <= 0) return first;
  // A short, bounded long-poll: wait once, then answer with whatever is there.
  await new Promise((resolve) => setTimeout(resolve, wait));
  return buildFetchResponse(ctx, request);
}

function listOffset(
  ctx: HandlerContext,
  topic: Topic | undefined,
  p: ListOffsetsRequestListOffsetsPartition,
): ListOffsetsResponseListOffsetsPartitionResponse {
  const out = {
    ...defaultListOffsetsResponseListOffsetsPartitionResponse(),
    partitionIndex: p.partitionIndex,
  };
  const partition = topic?.partitions[p.partitionIndex];
  if (partition === undefined) {
    out.errorCode = code('UNKNOWN_TOPIC_OR_PARTITION');
    return out;
  }
  let offset: bigint | null;
  if (p.timestamp === -1n)
    offset = partition.logEndOffset; // LATEST
  else if (p.timestamp === -2n || p.timestamp === -4n)
    offset = partition.logStartOffset; // EARLIEST(_LOCAL)
  else if (p.timestamp < 0n)
    offset = null; // MAX_TIMESTAMP, EARLIEST_PENDING_UPLOAD: not kept here
  else offset = partition.offsetForTimestamp(p.timestamp);
  if (ctx.version === 0) {
    out.oldStyleOffsets = offset === null ? [] : [offset];
    return out;
  }
  out.offset = offset ?? -1n;
  if (ctx.version >= 4) out.leaderEpoch = 0;
  return out;
}

export function handleListOffsets(
  ctx: HandlerContext,
  request: ListOffsetsRequest,
): ListOffsetsResponse {
  const response = Apis.ListOffsets.response.create();
  response.topics = request.topics.map((t) => {
    const topic = ctx.store.byName(t.name);
    return { name: t.name, partitions: t.partitions.map((p) => listOffset(ctx, topic, p)) };
  });
  return response;
}

export function handleInitProducerId(
  ctx: HandlerContext,
  _request: InitProducerIdRequest,
): InitProducerIdResponse {
  const response = Apis.InitProducerId.response.create();
  response.producerId = ctx.nextProducerId();
  response.producerEpoch = 0;
  return response;
}

/**
 * Every coordinator is this node. Served because librdkafka enables LZ4 only when FindCoordinator
 * is advertised (its feature map dates LZ4 by that API); the drivers use no groups.
 */
export function handleFindCoordinator(
  ctx: HandlerContext,
  request: FindCoordinatorRequest,
): FindCoordinatorResponse {
  const response = Apis.FindCoordinator.response.create();
  if (ctx.version < 4) {
    response.nodeId = NODE_ID;
    response.host = ctx.host;
    response.port = ctx.port;
    return response;
  }
  response.coordinators = request.coordinatorKeys.map((key) => ({
    key,
    nodeId: NODE_ID,
    host: ctx.host,
    port: ctx.port,
    errorCode: 0,
    errorMessage: null,
  }));
  return response;
}

/** Dispatches a decoded request body to its handler; null for APIs the server does not answer. */
export function handlerFor(
  api: ApiDefinition,
): ((ctx: HandlerContext, body: unknown) => HandlerResult | Promise<HandlerResult>) | null {
  switch (api.apiKey) {
    case Apis.ApiVersions.apiKey:
      return (ctx) => handleApiVersions(ctx);
    case Apis.Metadata.apiKey:
      return (ctx, body) => handleMetadata(ctx, body as MetadataRequest);
    case Apis.Produce.apiKey:
      return (ctx, body) => handleProduce(ctx, body as ProduceRequest);
    case Apis.Fetch.apiKey:
      return (ctx, body) => handleFetch(ctx, body as FetchRequest);
    case Apis.ListOffsets.apiKey:
      return (ctx, body) => handleListOffsets(ctx, body as ListOffsetsRequest);
    case Apis.InitProducerId.apiKey:
      return (ctx, body) => handleInitProducerId(ctx, body as InitProducerIdRequest);
    case Apis.FindCoordinator.apiKey:
      return (ctx, body) => handleFindCoordinator(ctx, body as FindCoordinatorRequest);
    default:
      return null;
  }
}
