// The CLI's Kafka client, built on Samsa's generated codecs (see README, "The CLI's client").
//
//   const client = await KafkaClient.connect({ bootstrap: '127.0.0.1:9092' });
//   const res = await client.request(Apis.CreateTopics, { topics: [...] }, { broker: 'controller' });
//   const offsets = await client.withCoordinator('group', 'g1', (conn) =>
//     conn.send(Apis.OffsetFetch, {...}));
//   client.close();
//
// Every request is sent at min(Samsa's max, the broker's max) for its API; errors in responses
// are the caller's to check (throwIfError turns a code into a KafkaError).
export { DEFAULT_BOOTSTRAP, formatAddress, parseAddress, parseBootstrap } from './address.js';
export type { BrokerAddress } from './address.js';
export {
  BrokerConnection,
  clientMaxVersion,
  type ConnectionOptions,
  type SendOptions,
  type VersionRange,
} from './connection.js';
export {
  ClientError,
  ClientErrorCodes,
  isStaleRoutingError,
  kafkaErrorFor,
  throwIfError,
  type ClientErrorCode,
} from './errors.js';
export {
  KafkaClient,
  ZERO_UUID,
  type BrokerNode,
  type BrokerTarget,
  type ClientOptions,
  type CoordinatorType,
  type RequestOptions,
} from './kafka-client.js';
