// FindCoordinator (key 10), v0-6. Every group is coordinated by this broker (it leads every
// `__consumer_offsets` partition); the first lookup creates that topic, as Kafka does. v0-3 ask
// for one key; v4+ batch keys in `coordinatorKeys` and get one result each.
// Key type 0 is a group (the first lookup creates __consumer_offsets); key type 1 a
// transactional id (the first creates __transaction_state); any other type is INVALID_REQUEST.
// With an authorizer, per key: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED) or on the
// transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED), before any topic is created.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  FindCoordinatorResponseCoordinator,
} from '../../protocol/generated/api/find-coordinator.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { authorizeGroup, authorizeTransactionalId } from '../access.js';
import { errorFields } from './error-fields.js';
import { GROUP_METADATA_TOPIC_NAME } from '../../coordinator/group/group-coordinator.js';
import { TRANSACTION_STATE_TOPIC_NAME } from '../../coordinator/transaction/transaction-coordinator.js';

const GROUP = 0;
const TRANSACTION = 1;

async function lookup(
  ctx: RequestContext<BrokerServices>,
  key: string,
  keyType: number,
): Promise<FindCoordinatorResponseCoordinator> {
  const failed = (error: KafkaError): FindCoordinatorResponseCoordinator => ({
    key,
    nodeId: -1,
    host: '',
    port: -1,
    errorCode: error.errorCode,
    errorMessage: error.message,
  });
  if (keyType !== GROUP && keyType !== TRANSACTION) {
    return failed(new KafkaError('INVALID_REQUEST', `Unsupported coordinator key type ${keyType}`));
  }
  if (keyType === GROUP && !authorizeGroup(ctx, AclOperation.DESCRIBE, key))
    return failed(new KafkaError('GROUP_AUTHORIZATION_FAILED'));
  if (keyType === TRANSACTION && !authorizeTransactionalId(ctx, AclOperation.DESCRIBE, key))
    return failed(new KafkaError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED'));
  const coordinator = keyType === GROUP ? ctx.services.groups : ctx.services.transactions;
  const topic = keyType === GROUP ? GROUP_METADATA_TOPIC_NAME : TRANSACTION_STATE_TOPIC_NAME;
  try {
    await coordinator.ensureTopic();
  } catch (err) {
    // Kafka answers COORDINATOR_NOT_AVAILABLE while the topic cannot be created (for example
    // offsets.topic.replication.factor above the broker count).
    const cause = errorFields(ctx, err, `topic ${topic}`);
    return failed(
      new KafkaError(
        'COORDINATOR_NOT_AVAILABLE',
        `Cannot create ${topic}: ${cause.errorMessage ?? 'unknown error'}`,
      ),
    );
  }
  const [broker] = ctx.services.brokers();
  if (broker === undefined) return failed(new KafkaError('COORDINATOR_NOT_AVAILABLE'));
  return {
    key,
    nodeId: broker.nodeId,
    host: broker.host,
    port: broker.port,
    errorCode: 0,
    errorMessage: null,
  };
}

export const findCoordinatorHandler = defineHandler({
  api: Apis.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: FindCoordinatorRequest,
  ): Promise<FindCoordinatorResponse> {
    const response = Apis.FindCoordinator.response.create();
    if (ctx.apiVersion >= 4) {
      const coordinators = await Promise.all(
        request.coordinatorKeys.map((key) => lookup(ctx, key, request.keyType)),
      );
      return { ...response, coordinators };
    }
    const keyType = ctx.apiVersion >= 1 ? request.keyType : GROUP;
    const c = await lookup(ctx, request.key, keyType);
    return {
      ...response,
      errorCode: c.errorCode,
      errorMessage: ctx.apiVersion >= 1 ? c.errorMessage : null,
      nodeId: c.nodeId,
      host: c.host,
      port: c.port,
    };
  },
});
