// Produce (key 0), v0-11 advertised, v3-11 served. v0-2 carry the old v0/v1 message formats,
// which Kafka 4.0 dropped too; like Kafka 4.0 (KAFKA-18659) Samsa still advertises them, because
// librdkafka before 2.8 enables gzip, snappy and lz4 only when the broker lists Produce v0, and
// answers a v0-2 request with UNSUPPORTED_VERSION for every partition instead of serving it.
// Each partition's batches go to its log, which validates them (CRC, size against
// max.message.bytes, keys on compacted topics, timestamps) and assigns offsets; per-partition
// errors, with per-record detail (v8+) where Kafka gives it. acks must be -1, 0 or 1
// (INVALID_REQUIRED_ACKS); acks=0 gets no response at all. A single node has no replicas to wait
// for, so acks=-1 is answered like acks=1 once the batch is in the log. Transactional batches
// go to the log like any other; the log tracks the producer's open transaction (the last stable
// offset) until the coordinator's marker ends it. Like Kafka before KIP-890, the broker does not
// ask the transaction coordinator whether the partition was added to the transaction first.
// Clients cannot write internal topics (__consumer_offsets): INVALID_TOPIC_EXCEPTION, as Kafka.
// With an authorizer: WRITE on each topic (TOPIC_AUTHORIZATION_FAILED), and for transactional
// batches WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED everywhere).
import { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  ProduceRequest,
  ProduceResponse,
  ProduceResponsePartitionProduceResponse,
} from '../../protocol/generated/api/produce.js';
import { RecordValidationError } from '../../storage/index.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';
import { authorizeTopic, authorizeTransactionalId } from '../access.js';
import { AclOperation } from '../../metadata/acl-binding.js';

function partitionResponse(index: number): ProduceResponsePartitionProduceResponse {
  return {
    index,
    errorCode: 0,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage: null,
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
  };
}

async function producePartition(
  ctx: RequestContext<BrokerServices>,
  request: ProduceRequest,
  topic: string,
  writable: boolean,
  index: number,
  records: Buffer | null,
): Promise<ProduceResponsePartitionProduceResponse> {
  const response = partitionResponse(index);
  try {
    if (!writable) throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
    if (ctx.services.metadata.topic(topic)?.internal === true) {
      // Only the coordinators write their topics (Kafka's ReplicaManager, internalTopicsAllowed).
      throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Cannot append to internal topic ${topic}`);
    }
    if (records === null || records.length === 0) {
      throw new KafkaError('INVALID_RECORD', 'Produce request carries no record batch');
    }
    const log = ctx.services.replicas.partition(topic, index);
    const result = await log.appendAsLeader(records, {
      leaderEpoch: ctx.services.replicas.leaderEpoch,
    });
    response.baseOffset = result.firstOffset;
    response.logAppendTimeMs = result.logAppendTime;
    response.logStartOffset = result.logStartOffset;
  } catch (err) {
    const { errorCode, errorMessage } = errorFields(ctx, err, `${topic}-${index}`);
    response.errorCode = errorCode;
    response.errorMessage = errorMessage;
    if (err instanceof RecordValidationError) {
      response.recordErrors = err.recordErrors.map((e) => ({
        batchIndex: e.batchIndex,
        batchIndexErrorMessage: e.message,
      }));
    }
  }
  return response;
}

/** The first version whose records are magic-2 batches. */
const FIRST_SERVED_VERSION = 3;

/** The same error for every partition of the request (none at all with acks=0). */
function failEvery(request: ProduceRequest, error: KafkaError): ProduceResponse | null {
  if (request.acks === 0) return null;
  const { errorCode } = error;
  return {
    ...Apis.Produce.response.create(),
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => ({
        ...partitionResponse(p.index),
        errorCode,
      })),
    })),
  };
}

export const produceHandler = defineHandler({
  api: Apis.Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: ProduceRequest,
  ): Promise<ProduceResponse | null> {
    if (ctx.apiVersion < FIRST_SERVED_VERSION)
      return failEvery(request, new KafkaError('UNSUPPORTED_VERSION'));
    const { transactionalId } = request;
    if (
      transactionalId !== null &&
      !authorizeTransactionalId(ctx, AclOperation.WRITE, transactionalId)
    )
      return failEvery(request, new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'));
    const validAcks = request.acks === -1 || request.acks === 0 || request.acks === 1;
    const responses = await Promise.all(
      request.topicData.map(async (topic) => {
        // Checked once per topic, not per partition: the answer is the same for all of them.
        const writable = authorizeTopic(ctx, AclOperation.WRITE, topic.name);
        return {
          name: topic.name,
          partitionResponses: await Promise.all(
            topic.partitionData.map((p) =>
              validAcks
                ? producePartition(ctx, request, topic.name, writable, p.index, p.records)
                : Promise.resolve({
                    ...partitionResponse(p.index),
                    errorCode: new KafkaError('INVALID_REQUIRED_ACKS').errorCode,
                  }),
            ),
          ),
        };
      }),
    );
    if (request.acks === 0) return null;
    return { ...Apis.Produce.response.create(), responses };
  },
});
