// DeleteRecords (key 21), v0-2: advances each partition's log start offset to the given offset
// (-1 means the high watermark); records below it become unreadable at once and their segments
// are removed by the next retention pass. OFFSET_OUT_OF_RANGE past the high watermark. Topics the
// principal may not DELETE get TOPIC_AUTHORIZATION_FAILED.
import { Apis } from '../../protocol/generated/index.js';
import type {
  DeleteRecordsRequest,
  DeleteRecordsResponse,
} from '../../protocol/generated/api/delete-records.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';
import { authorizeTopic } from '../access.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';

export const deleteRecordsHandler = defineHandler({
  api: Apis.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: DeleteRecordsRequest,
  ): Promise<DeleteRecordsResponse> {
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p) => {
            try {
              if (!authorizeTopic(ctx, AclOperation.DELETE, t.name))
                throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
              const log = ctx.services.replicas.partition(t.name, p.partitionIndex);
              return {
                partitionIndex: p.partitionIndex,
                lowWatermark: await log.deleteRecordsBefore(p.offset),
                errorCode: 0,
              };
            } catch (err) {
              const { errorCode } = errorFields(ctx, err, `${t.name}-${p.partitionIndex}`);
              return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode };
            }
          }),
        ),
      })),
    );
    return { ...Apis.DeleteRecords.response.create(), topics };
  },
});
