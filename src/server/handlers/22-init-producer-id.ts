// InitProducerId (key 22), v0-5.
// Without a transactional id (idempotent producers): a producer id no producer has had (from the
// ProducerIdManager, whose blocks are persisted before use) with epoch 0, as Kafka's
// TransactionCoordinator.handleInitProducerId does for a null transactional id: it "blindly
// accepts the request" whatever ProducerId/ProducerEpoch (v3+, KIP-360) carry. An idempotent
// producer bumps its epoch on its own (KIP-360), so the pair only matters to transactional
// producers. Kafka's KafkaApis first rejects an inconsistent pair (one of them -1, the other not)
// with INVALID_REQUEST; so do we. transaction.timeout.ms means nothing without a transactional id.
// With a transactional id: the transaction coordinator (src/coordinator/transaction) hands out or
// bumps the id's producer epoch, fencing older producers and aborting their open transaction.
// With an authorizer, first: WRITE on the transactional id (else
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED); without one, IDEMPOTENT_WRITE on the cluster or WRITE on
// some topic (Kafka 2.8+, KIP-679), else CLUSTER_AUTHORIZATION_FAILED.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation, ResourceType } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../protocol/generated/api/init-producer-id.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeByResourceType, authorizeCluster, authorizeTransactionalId } from '../access.js';
import { errorFields } from './error-fields.js';

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

function failed(error: KafkaError | number): InitProducerIdResponse {
  return {
    ...Apis.InitProducerId.response.create(),
    errorCode: typeof error === 'number' ? error : error.errorCode,
    producerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
  };
}

export const initProducerIdHandler = defineHandler({
  api: Apis.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: InitProducerIdRequest,
  ): Promise<InitProducerIdResponse> {
    const { transactionalId } = request;
    if (transactionalId !== null) {
      if (!authorizeTransactionalId(ctx, AclOperation.WRITE, transactionalId))
        return failed(new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'));
    } else if (
      !authorizeCluster(ctx, AclOperation.IDEMPOTENT_WRITE) &&
      !authorizeByResourceType(ctx, AclOperation.WRITE, ResourceType.TOPIC)
    ) {
      return failed(new KafkaError('CLUSTER_AUTHORIZATION_FAILED'));
    }
    const noId = request.producerId === NO_PRODUCER_ID;
    const noEpoch = request.producerEpoch === NO_PRODUCER_EPOCH;
    if (noId !== noEpoch) return failed(new KafkaError('INVALID_REQUEST'));
    if (transactionalId !== null) {
      try {
        return await ctx.services.transactions.initProducerId(
          { ...request, transactionalId },
          { apiVersion: ctx.apiVersion },
        );
      } catch (err) {
        return failed(errorFields(ctx, err, `transactional id ${transactionalId}`).errorCode);
      }
    }
    try {
      const producerId = await ctx.services.producerIds.generateProducerId();
      return {
        ...Apis.InitProducerId.response.create(),
        errorCode: 0,
        producerId,
        producerEpoch: 0,
      };
    } catch (err) {
      return failed(errorFields(ctx, err, 'a producer id').errorCode);
    }
  },
});
