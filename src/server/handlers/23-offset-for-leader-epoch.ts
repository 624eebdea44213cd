// OffsetForLeaderEpoch (key 23), v0-4: for each partition, the end offset of the requested leader
// epoch (the start of the next epoch, or the log end for the latest), from the log's epoch cache.
// Clients use it after a leader change to detect log truncation. current_leader_epoch (v2+) is
// checked as Kafka does; an unknown epoch answers (-1, -1). Topics the principal may not DESCRIBE
// get TOPIC_AUTHORIZATION_FAILED.
import { Apis } from '../../protocol/generated/index.js';
import type {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochResponse,
} from '../../protocol/generated/api/offset-for-leader-epoch.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';
import { authorizeTopic } from '../access.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';

export const offsetForLeaderEpochHandler = defineHandler({
  api: Apis.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: OffsetForLeaderEpochRequest,
  ): OffsetForLeaderEpochResponse {
    const topics = request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => {
        try {
          if (!authorizeTopic(ctx, AclOperation.DESCRIBE, t.topic))
            throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
          ctx.services.replicas.checkLeaderEpoch(p.currentLeaderEpoch);
          const found = ctx.services.replicas
            .partition(t.topic, p.partition)
            .endOffsetForEpoch(p.leaderEpoch);
          return {
            errorCode: 0,
            partition: p.partition,
            leaderEpoch: ctx.apiVersion >= 1 ? found.leaderEpoch : -1,
            endOffset: found.endOffset,
          };
        } catch (err) {
          const { errorCode } = errorFields(ctx, err, `${t.topic}-${p.partition}`);
          return { errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n };
        }
      }),
    }));
    return { ...Apis.OffsetForLeaderEpoch.response.create(), topics };
  },
});
