// Unexpected errors inside an admin handler: a handler called directly, with a TopicManager that
// fails the way no real one should, must answer that topic with a Kafka code and a generic
// message (never the internal text) and log the cause.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicManager } from '../../../src/cluster/topic-manager.js';
import { loadBrokerConfig } from '../../../src/config/index.js';
import { ErrorCodes, KafkaError } from '../../../src/errors/kafka-error.js';
import { SamsaError } from '../../../src/errors/samsa-error.js';
import type { MetadataStore } from '../../../src/metadata/metadata-store.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import type { BrokerServices } from '../../../src/server/broker-services.js';
import type { RequestContext } from '../../../src/server/handler.js';
import { createTopicsHandler } from '../../../src/server/handlers/19-create-topics.js';
import { errorFields } from '../../../src/server/handlers/error-fields.js';
import { newTopic } from './support.js';

function context(createTopic: () => Promise<never>) {
  const logged: { details: object; message: string }[] = [];
  // Only what CreateTopics and errorFields touch; the rest of BrokerServices is never reached.
  const services = {
    config: loadBrokerConfig({ overrides: ['log.dirs=/nonexistent'] }),
    metadata: {} as MetadataStore,
    topics: { createTopic } as unknown as TopicManager,
    brokers: () => [],
    leaderEpoch: 0,
    advertisedApis: () => [],
    log: { error: (details: object, message: string) => void logged.push({ details, message }) },
  } satisfies Partial<BrokerServices> as unknown as BrokerServices;
  const ctx: RequestContext<BrokerServices> = {
    apiKey: 19,
    apiVersion: 7,
    correlationId: 1,
    clientId: null,
    clientAddress: '127.0.0.1:1',
    session: { principal: 'User:ANONYMOUS', host: '127.0.0.1' },
    signal: new AbortController().signal,
    services,
  };
  return { ctx, logged };
}

test('an unexpected error becomes UNKNOWN_SERVER_ERROR with a generic message, and is logged', async () => {
  const { ctx, logged } = context(async () => {
    throw new TypeError('secret internal detail');
  });
  const response = await createTopicsHandler.handle(ctx, {
    ...Apis.CreateTopics.request.create(),
    topics: [newTopic('boom')],
  });
  assert.deepEqual(
    response?.topics.map((t) => [t.name, t.errorCode, t.errorMessage]),
    [['boom', ErrorCodes.UNKNOWN_SERVER_ERROR.code, ErrorCodes.UNKNOWN_SERVER_ERROR.message]],
  );
  assert.equal(logged.length, 1);
  assert.match(logged[0]!.message, /topic boom/);
  assert.ok(logged[0]!.details && 'err' in logged[0]!.details);
});

test('a KafkaError keeps its code and message and is not logged', () => {
  const { ctx, logged } = context(async () => {
    throw new Error('unused');
  });
  const fields = errorFields(
    ctx,
    new KafkaError('INVALID_CONFIG', 'Unknown topic config name: x'),
    'topic t',
  );
  assert.deepEqual(fields, {
    errorCode: ErrorCodes.INVALID_CONFIG.code,
    errorMessage: 'Unknown topic config name: x',
  });
  assert.equal(logged.length, 0);
});

test('a Samsa error with a Kafka equivalent gets that code, a generic message, and is logged', () => {
  const { ctx, logged } = context(async () => {
    throw new Error('unused');
  });
  const err = new SamsaError('SAMSA_ERR_COMPRESSION_TOO_LARGE', 'internal sizes');
  assert.deepEqual(errorFields(ctx, err, 'topic t'), {
    errorCode: ErrorCodes.RECORD_LIST_TOO_LARGE.code,
    errorMessage: ErrorCodes.RECORD_LIST_TOO_LARGE.message,
  });
  assert.equal(logged.length, 1);
});
