// InitProducerId (key 22), v0-5, for idempotent producers: every request without a transactional
// id gets a producer id no producer has had (from the ProducerIdManager, whose blocks are persisted
// before use) with epoch 0, as Kafka's TransactionCoordinator.handleInitProducerId does for a null
// transactional id: it "blindly accepts the request" whatever ProducerId/ProducerEpoch (v3+, KIP-360)
// carry. An idempotent producer bumps its epoch on its own (KIP-360), so the pair only matters to
// transactional producers; @platformatic/kafka's 0/0 simply gets a fresh id. Kafka's KafkaApis
// first rejects an inconsistent pair (one of them -1, the other not) with INVALID_REQUEST; so do we.
// transaction.timeout.ms means nothing without a transactional id and is ignored.
//
// Transactions are not implemented yet. A transactional id is answered with
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED, Kafka's answer when a client may not use transactional
// ids — its only built-in way of refusing transactions to a client — because every client treats
// it as fatal at once: the Java client raises TransactionalIdAuthorizationException from
// initTransactions(), librdkafka raises a fatal error (rd_kafka_idemp_check_error), KafkaJS and
// @platformatic/kafka reject with the non-retriable error. The codes Kafka gives while its
// transaction coordinator is unavailable (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR) are
// retriable: clients would retry until max.block.ms (60 s in Java) and then only report a timeout.
// (Clients look up the transaction coordinator with FindCoordinator before this request, so they
// may fail there first.)
import { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  InitProducerIdRequest,
  InitProducerIdResponse,
} from '../../protocol/generated/api/init-producer-id.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
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
    if (request.transactionalId !== null) {
      return failed(new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'));
    }
    const noId = request.producerId === NO_PRODUCER_ID;
    const noEpoch = request.producerEpoch === NO_PRODUCER_EPOCH;
    if (noId !== noEpoch) return failed(new KafkaError('INVALID_REQUEST'));
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
