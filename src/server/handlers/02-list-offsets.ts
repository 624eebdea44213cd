// ListOffsets (key 2), v0-10: the offset of the earliest (-2) or latest (-1) record, the record
// with the largest timestamp (-3, v7+), the earliest local (-4, v8+: the log start on a broker
// without tiered storage), the latest tiered (-5, v9+: none here, so -1), or the first record
// whose timestamp is at or after a given time. read_committed (v2+) bounds "latest" by the last
// stable offset. v0 answers in its old layout (a list of offsets). current_leader_epoch (v4+) is
// checked as Kafka does. Topics the principal may not DESCRIBE get TOPIC_AUTHORIZATION_FAILED.
import { Apis } from '../../protocol/generated/index.js';
import type {
  ListOffsetsRequest,
  ListOffsetsResponse,
  ListOffsetsResponseListOffsetsPartitionResponse,
} from '../../protocol/generated/api/list-offsets.js';
import { ListOffsetsTimestamp } from '../../storage/index.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';
import { authorizeTopic } from '../access.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';

const READ_COMMITTED = 1;

async function listOffset(
  ctx: RequestContext<BrokerServices>,
  request: ListOffsetsRequest,
  topic: string,
  partitionIndex: number,
  timestamp: bigint,
  currentLeaderEpoch: number,
): Promise<ListOffsetsResponseListOffsetsPartitionResponse> {
  const response: ListOffsetsResponseListOffsetsPartitionResponse = {
    partitionIndex,
    errorCode: 0,
    oldStyleOffsets: [],
    timestamp: -1n,
    offset: -1n,
    leaderEpoch: -1,
  };
  try {
    if (!authorizeTopic(ctx, AclOperation.DESCRIBE, topic))
      throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
    ctx.services.replicas.checkLeaderEpoch(currentLeaderEpoch);
    const log = ctx.services.replicas.partition(topic, partitionIndex);
    const found =
      timestamp === ListOffsetsTimestamp.LATEST_TIERED
        ? null
        : await log.offsetForTimestamp(
            timestamp === ListOffsetsTimestamp.EARLIEST_LOCAL
              ? ListOffsetsTimestamp.EARLIEST
              : timestamp,
            {
              isolation:
                request.isolationLevel === READ_COMMITTED ? 'txn_committed' : 'high_watermark',
            },
          );
    // Each version carries only its own fields: v0 a list of offsets, v1+ one offset and its
    // timestamp, v4+ the leader epoch too.
    if (found !== null && ctx.apiVersion === 0) {
      response.oldStyleOffsets = [found.offset];
    } else if (found !== null) {
      response.timestamp = found.timestamp;
      response.offset = found.offset;
      if (ctx.apiVersion >= 4) response.leaderEpoch = found.leaderEpoch ?? -1;
    }
  } catch (err) {
    response.errorCode = errorFields(ctx, err, `${topic}-${partitionIndex}`).errorCode;
  }
  return response;
}

export const listOffsetsHandler = defineHandler({
  api: Apis.ListOffsets,
  minVersion: 0,
  maxVersion: 10,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: ListOffsetsRequest,
  ): Promise<ListOffsetsResponse> {
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map((p) =>
            listOffset(ctx, request, t.name, p.partitionIndex, p.timestamp, p.currentLeaderEpoch),
          ),
        ),
      })),
    );
    return { ...Apis.ListOffsets.response.create(), topics };
  },
});
