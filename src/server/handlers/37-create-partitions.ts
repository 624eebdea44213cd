// CreatePartitions (key 37), v0-3. Raises a topic's partition count through TopicManager, with
// Kafka's (KRaft) answers: UNKNOWN_TOPIC_OR_PARTITION for an unknown topic; INVALID_PARTITIONS for
// the same count ("Topic already has N partition(s).") or a decrease ("The topic T currently has
// N partition(s); M would not be an increase."); INVALID_REPLICA_ASSIGNMENT when manual
// assignments do not fit. validateOnly checks without changing anything. As in Kafka's
// ControllerApis, a topic named more than once gets one INVALID_REQUEST ("Duplicate topic name."),
// listed first, and is not changed. The partitions exist when the response is sent, so
// timeoutMs is not needed. Topics the principal may not ALTER get TOPIC_AUTHORIZATION_FAILED.
import { ErrorCodes } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  CreatePartitionsRequest,
  CreatePartitionsResponse,
  CreatePartitionsResponseCreatePartitionsTopicResult,
} from '../../protocol/generated/api/create-partitions.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import { NO_ERROR, errorFields } from './error-fields.js';
import { authorizeTopic } from '../access.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';

type Result = CreatePartitionsResponseCreatePartitionsTopicResult;

export const createPartitionsHandler = defineHandler({
  api: Apis.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: CreatePartitionsRequest,
  ): Promise<CreatePartitionsResponse> {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results: Result[] = [];
    for (const [name, count] of counts) {
      if (count > 1) {
        results.push({
          name,
          errorCode: ErrorCodes.INVALID_REQUEST.code,
          errorMessage: 'Duplicate topic name.',
        });
      }
    }
    for (const topic of request.topics) {
      if (counts.get(topic.name) !== 1) continue;
      try {
        if (!authorizeTopic(ctx, AclOperation.ALTER, topic.name))
          throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
        await ctx.services.topics.createPartitions(
          topic.name,
          topic.count,
          request.validateOnly,
          topic.assignments?.map((a) => a.brokerIds) ?? null,
        );
        results.push({ name: topic.name, ...NO_ERROR });
      } catch (err) {
        results.push({ name: topic.name, ...errorFields(ctx, err, `topic ${topic.name}`) });
      }
    }
    return { ...Apis.CreatePartitions.response.create(), results };
  },
});
