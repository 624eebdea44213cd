// DeleteTopics (key 20), v0-6. Topics are named by topicNames (v0-5) or by topics[] (v6), each
// entry a name or a topic id. Kafka's ControllerApis rules, in order:
// - delete.topic.enable=false fails every entry: INVALID_REQUEST before v3, TOPIC_DELETION_DISABLED
//   from v3, with no message;
// - an entry with neither name nor id, or with both, is INVALID_REQUEST;
// - a name or an id given twice gets one INVALID_REQUEST ("Duplicate topic name." / "Duplicate
//   topic id.") and is not deleted;
// - an unknown name is UNKNOWN_TOPIC_OR_PARTITION, an unknown id UNKNOWN_TOPIC_ID;
// - a name whose topic's id is also given is INVALID_REQUEST, and the id's entry gets no result
//   (Kafka drops it too).
// Results follow the request order (Kafka shuffles them, to hide which names exist from
// unauthorized callers; Samsa keeps the order). Topics the principal may not DELETE get
// TOPIC_AUTHORIZATION_FAILED and stay. Messages exist from v5,
// topic ids in results from v6. Deletion completes in the request, so timeoutMs is not needed.
import { ErrorCodes, KafkaError, type KafkaErrorName } from '../../errors/kafka-error.js';
import type { TopicMetadata } from '../../metadata/metadata-store.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DeleteTopicsResponseDeletableTopicResult,
} from '../../protocol/generated/api/delete-topics.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import { NO_ERROR, errorFields } from './error-fields.js';
import { authorizeTopic } from '../access.js';
import { AclOperation } from '../../metadata/acl-binding.js';

type Result = DeleteTopicsResponseDeletableTopicResult;

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

function failed(
  name: string | null,
  topicId: string,
  error: KafkaErrorName,
  message: string | null = ErrorCodes[error].message,
): Result {
  return { name, topicId, errorCode: ErrorCodes[error].code, errorMessage: message };
}

function counts(values: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return map;
}

interface Target {
  index: number;
  topic: TopicMetadata;
}

export const deleteTopicsHandler = defineHandler({
  api: Apis.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: DeleteTopicsRequest,
  ): Promise<DeleteTopicsResponse> {
    const { config, metadata, topics } = ctx.services;
    const wanted =
      ctx.apiVersion < 6
        ? request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }))
        : request.topics;
    const response = Apis.DeleteTopics.response.create();
    if (!config.get('delete.topic.enable')) {
      const error = ctx.apiVersion < 3 ? 'INVALID_REQUEST' : 'TOPIC_DELETION_DISABLED';
      response.responses = wanted.map((w) => failed(w.name, w.topicId, error, null));
      return response;
    }

    const byName = wanted.filter((w) => w.name !== null && w.topicId === ZERO_UUID);
    const byId = wanted.filter((w) => w.name === null && w.topicId !== ZERO_UUID);
    const nameCounts = counts(byName.map((w) => w.name!));
    const idCounts = counts(byId.map((w) => w.topicId));
    const results: (Result | undefined)[] = [];
    const namedTargets: Target[] = [];
    const idTargets = new Map<string, Target>();
    const reported = new Set<string>();
    wanted.forEach(({ name, topicId }, index) => {
      if (name === null && topicId === ZERO_UUID) {
        results[index] = failed(
          null,
          ZERO_UUID,
          'INVALID_REQUEST',
          'Neither topic name nor id were specified.',
        );
      } else if (name !== null && topicId !== ZERO_UUID) {
        results[index] = failed(
          name,
          topicId,
          'INVALID_REQUEST',
          'You may not specify both topic name and topic id.',
        );
      } else if (name !== null) {
        const topic = metadata.topic(name);
        if (nameCounts.get(name)! > 1) {
          if (!reported.has(`name:${name}`)) {
            reported.add(`name:${name}`);
            results[index] = failed(name, ZERO_UUID, 'INVALID_REQUEST', 'Duplicate topic name.');
          }
        } else if (topic === undefined) {
          results[index] = failed(name, ZERO_UUID, 'UNKNOWN_TOPIC_OR_PARTITION');
        } else {
          namedTargets.push({ index, topic });
        }
      } else {
        const topic = metadata.topicById(topicId);
        if (idCounts.get(topicId)! > 1) {
          if (!reported.has(`id:${topicId}`)) {
            reported.add(`id:${topicId}`);
            results[index] = failed(null, topicId, 'INVALID_REQUEST', 'Duplicate topic id.');
          }
        } else if (topic === undefined) {
          results[index] = failed(null, topicId, 'UNKNOWN_TOPIC_ID');
        } else {
          idTargets.set(topicId, { index, topic });
        }
      }
    });

    const named: Target[] = [];
    for (const target of namedTargets) {
      const { name, topicId } = target.topic;
      if (idTargets.has(topicId) || (idCounts.get(topicId) ?? 0) > 1) {
        idTargets.delete(topicId);
        results[target.index] = failed(
          name,
          topicId,
          'INVALID_REQUEST',
          'The provided topic name maps to an ID that was already supplied.',
        );
      } else {
        named.push(target);
      }
    }

    const targets = [...idTargets.values(), ...named];
    targets.sort((a, b) => a.index - b.index);
    for (const { index, topic } of targets) {
      try {
        if (!authorizeTopic(ctx, AclOperation.DELETE, topic.name))
          throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
        await topics.deleteTopic(topic);
        results[index] = { name: topic.name, topicId: topic.topicId, ...NO_ERROR };
      } catch (err) {
        results[index] = {
          name: topic.name,
          topicId: topic.topicId,
          ...errorFields(ctx, err, `topic ${topic.name}`),
        };
      }
    }
    response.responses = results.filter((r) => r !== undefined);
    return response;
  },
});
