// CreateTopics (key 19), v0-7. Each topic is created (or, with validateOnly (v1+), only checked)
// by TopicManager, which applies Kafka's controller rules: -1 partitions / replication factor take
// num.partitions / default.replication.factor, manual assignments, configs, and the errors
// INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, INVALID_CONFIG, INVALID_PARTITIONS,
// INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_REQUEST (__cluster_metadata).
// As in Kafka's ControllerApis, a name given more than once gets one INVALID_REQUEST result
// ("Duplicate topic name."), listed after the others, and none of its entries is created.
// __consumer_offsets and __transaction_state may be created, as Kafka allows.
// v1+ carries errorMessage; v5+ the partition count, replication factor and configs of the topic
// (as the controller resolves them); v7 its id. With validateOnly the id is the zero UUID (Kafka
// sends a random id it never stores). timeoutMs is not needed: creation completes in the request.
// With an authorizer: CREATE on the cluster or the topic (TOPIC_AUTHORIZATION_FAILED, also for an
// existing topic the principal may not DESCRIBE), and the
// configs (v5+) only with DESCRIBE_CONFIGS on the topic (else topicConfigErrorCode says why).
import { topicOverrides } from '../../metadata/metadata-store.js';
import { createdTopicConfigs } from '../../config/index.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  CreateTopicsRequest,
  CreateTopicsRequestCreatableTopic,
  CreateTopicsResponse,
  CreateTopicsResponseCreatableTopicResult,
} from '../../protocol/generated/api/create-topics.js';
import { ErrorCodes, KafkaError } from '../../errors/kafka-error.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import { NO_ERROR, errorFields } from './error-fields.js';
import { authorizeCluster, authorizeTopic } from '../access.js';
import { AclOperation } from '../../metadata/acl-binding.js';

type Result = CreateTopicsResponseCreatableTopicResult;

function result(name: string, fields: Partial<Result>): Result {
  return {
    name,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    ...NO_ERROR,
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
    ...fields,
  };
}

async function createTopic(
  ctx: RequestContext<BrokerServices>,
  topic: CreateTopicsRequestCreatableTopic,
  validateOnly: boolean,
): Promise<Result> {
  const { topics, config } = ctx.services;
  try {
    if (
      !authorizeCluster(ctx, AclOperation.CREATE) &&
      !authorizeTopic(ctx, AclOperation.CREATE, topic.name)
    )
      throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
    // An existing topic the principal may not DESCRIBE is not revealed by TOPIC_ALREADY_EXISTS.
    if (
      ctx.services.metadata.topic(topic.name) !== undefined &&
      !authorizeTopic(ctx, AclOperation.DESCRIBE, topic.name)
    )
      throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
    const created = await topics.createTopic(topic, validateOnly);
    if (ctx.apiVersion < 5) return result(topic.name, { topicId: created.topicId });
    if (!authorizeTopic(ctx, AclOperation.DESCRIBE_CONFIGS, topic.name)) {
      return result(topic.name, {
        topicId: created.topicId,
        numPartitions: created.partitions,
        replicationFactor: created.replicationFactor,
        topicConfigErrorCode: new KafkaError('TOPIC_AUTHORIZATION_FAILED').errorCode,
      });
    }
    return result(topic.name, {
      topicId: created.topicId,
      numPartitions: created.partitions,
      replicationFactor: created.replicationFactor,
      configs: createdTopicConfigs(topicOverrides(created), config),
    });
  } catch (err) {
    return result(topic.name, errorFields(ctx, err, `topic ${topic.name}`));
  }
}

export const createTopicsHandler = defineHandler({
  api: Apis.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: CreateTopicsRequest,
  ): Promise<CreateTopicsResponse> {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results: Result[] = [];
    // One at a time, in request order, so results and effects follow the request.
    for (const topic of request.topics) {
      if (counts.get(topic.name) === 1) {
        results.push(await createTopic(ctx, topic, request.validateOnly));
      }
    }
    for (const [name, count] of counts) {
      if (count > 1) {
        results.push(
          result(name, {
            errorCode: ErrorCodes.INVALID_REQUEST.code,
            errorMessage: 'Duplicate topic name.',
          }),
        );
      }
    }
    return { ...Apis.CreateTopics.response.create(), topics: results };
  },
});
