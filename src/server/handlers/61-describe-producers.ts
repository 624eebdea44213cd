// DescribeProducers (key 61), v0: the producers each partition remembers — id, epoch, last
// sequence and write time, the coordinator epoch of their last marker, and where their open
// transaction starts (-1 for none) — what `kafka-transactions.sh describe-producers` shows to find
// a hanging transaction.
// With an authorizer: READ on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeProducersRequest,
  DescribeProducersResponse,
} from '../../protocol/generated/api/describe-producers.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeTopic } from '../access.js';
import { errorFields } from './error-fields.js';

export const describeProducersHandler = defineHandler({
  api: Apis.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: DescribeProducersRequest,
  ): DescribeProducersResponse {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          try {
            if (!authorizeTopic(ctx, AclOperation.READ, t.name))
              throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
            const log = ctx.services.replicas.partition(t.name, partitionIndex);
            return {
              partitionIndex,
              errorCode: 0,
              errorMessage: null,
              activeProducers: log.activeProducers().map((p) => ({ ...p })),
            };
          } catch (err) {
            return {
              partitionIndex,
              ...errorFields(ctx, err, `${t.name}-${partitionIndex}`),
              activeProducers: [],
            };
          }
        }),
      })),
    };
  },
});
