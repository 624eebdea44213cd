// Metadata (key 3), v0-12. Brokers (this one), cluster id, controller id, and the requested topics
// with their partitions, led by this broker. Topics missing from the request are auto-created when
// both the request (v4+: allowAutoTopicCreation; always before v4) and the broker
// (auto.create.topics.enable) allow it. Unlike Kafka, which first answers LEADER_NOT_AVAILABLE
// for a topic it just created, Samsa creates it synchronously and returns it ready to use.
// Topics by id (v10+) that do not exist get UNKNOWN_TOPIC_ID.
// With an authorizer: topics the principal may not DESCRIBE are left out of an all-topics answer
// and get TOPIC_AUTHORIZATION_FAILED when named; auto-creation needs CREATE on the cluster or the
// topic (else TOPIC_AUTHORIZATION_FAILED), as in Kafka.
import { KafkaError, toErrorCode } from '../../errors/kafka-error.js';
import type { TopicMetadata } from '../../metadata/metadata-store.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseTopic,
} from '../../protocol/generated/api/metadata.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  CLUSTER_OPERATIONS,
  TOPIC_OPERATIONS,
  authorizeCluster,
  authorizeTopic,
  authorizedOperations,
} from '../access.js';
import { AclOperation, ResourceType } from '../../metadata/acl-binding.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

function topicEntry(
  ctx: RequestContext<BrokerServices>,
  topic: TopicMetadata,
  request: MetadataRequest,
): MetadataResponseTopic {
  const nodeId = ctx.services.config.nodeId;
  return {
    errorCode: 0,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.internal,
    partitions: Array.from({ length: topic.partitions }, (_, partitionIndex) => ({
      errorCode: 0,
      partitionIndex,
      leaderId: nodeId,
      leaderEpoch: ctx.services.leaderEpoch,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: request.includeTopicAuthorizedOperations
      ? authorizedOperations(ctx, ResourceType.TOPIC, topic.name, TOPIC_OPERATIONS)
      : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function errorEntry(name: string | null, topicId: string, err: unknown): MetadataResponseTopic {
  return {
    errorCode: err instanceof KafkaError ? err.errorCode : toErrorCode(err),
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

async function resolveTopic(
  ctx: RequestContext<BrokerServices>,
  request: MetadataRequest,
  wanted: { name: string | null; topicId: string },
): Promise<MetadataResponseTopic> {
  const { metadata, topics, config } = ctx.services;
  if (wanted.name === null) {
    const byId = wanted.topicId === ZERO_UUID ? undefined : metadata.topicById(wanted.topicId);
    if (byId === undefined)
      return errorEntry(null, wanted.topicId, new KafkaError('UNKNOWN_TOPIC_ID'));
    if (!authorizeTopic(ctx, AclOperation.DESCRIBE, byId.name))
      return errorEntry(null, wanted.topicId, new KafkaError('TOPIC_AUTHORIZATION_FAILED'));
    return topicEntry(ctx, byId, request);
  }
  if (!authorizeTopic(ctx, AclOperation.DESCRIBE, wanted.name))
    return errorEntry(wanted.name, ZERO_UUID, new KafkaError('TOPIC_AUTHORIZATION_FAILED'));
  const existing = metadata.topic(wanted.name);
  if (existing !== undefined) return topicEntry(ctx, existing, request);
  const autoCreate =
    (ctx.apiVersion < 4 || request.allowAutoTopicCreation) &&
    config.get('auto.create.topics.enable');
  if (!autoCreate)
    return errorEntry(wanted.name, ZERO_UUID, new KafkaError('UNKNOWN_TOPIC_OR_PARTITION'));
  if (
    !authorizeCluster(ctx, AclOperation.CREATE) &&
    !authorizeTopic(ctx, AclOperation.CREATE, wanted.name)
  )
    return errorEntry(wanted.name, ZERO_UUID, new KafkaError('TOPIC_AUTHORIZATION_FAILED'));
  try {
    return topicEntry(ctx, await topics.autoCreateTopic(wanted.name), request);
  } catch (err) {
    // A concurrent request may have created it first.
    const raced = metadata.topic(wanted.name);
    if (raced !== undefined) return topicEntry(ctx, raced, request);
    return errorEntry(wanted.name, ZERO_UUID, err);
  }
}

export const metadataHandler = defineHandler({
  api: Apis.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: MetadataRequest,
  ): Promise<MetadataResponse> {
    const { metadata, config } = ctx.services;
    // null asks for every topic; so does an empty list before v1.
    const all = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
    const topics = all
      ? metadata
          .topics()
          .filter((t) => authorizeTopic(ctx, AclOperation.DESCRIBE, t.name))
          .map((t) => topicEntry(ctx, t, request))
      : await Promise.all(request.topics!.map((t) => resolveTopic(ctx, request, t)));
    return {
      ...Apis.Metadata.response.create(),
      brokers: ctx.services
        .brokers()
        .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterId: metadata.clusterId,
      controllerId: config.nodeId,
      topics,
      clusterAuthorizedOperations:
        request.includeClusterAuthorizedOperations && ctx.apiVersion >= 8 && ctx.apiVersion <= 10
          ? authorizedOperations(ctx, ResourceType.CLUSTER, 'kafka-cluster', CLUSTER_OPERATIONS)
          : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
