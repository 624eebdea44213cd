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
export { murmur2, partitionForKey, toPositive } from './partitioner.js';
export {
  Producer,
  type ProducerOptions,
  type ProducerRecord,
  type RecordMetadata,
  type SendCallback,
} from './producer.js';
export {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  tpKey,
  type OffsetAnswer,
  type OffsetQuery,
  type TopicPartition,
} from './list-offsets.js';
export {
  Fetcher,
  type ConsumerRecord,
  type FetcherOptions,
  type OffsetResetPolicy,
} from './fetcher.js';
export {
  ADMIN_COMMIT,
  commitOffsets,
  fetchCommittedOffsets,
  type CommitIdentity,
  type CommittedOffset,
  type OffsetToCommit,
} from './group-offsets.js';
export {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  rangeAssign,
  type MemberSubscription,
} from './range-assignor.js';
export { ClassicGroupMember, type ClassicMemberOptions } from './classic-member.js';
export {
  ConsumerGroupMember,
  randomKafkaUuid,
  type ConsumerMemberOptions,
} from './consumer-member.js';
export { Consumer, type ConsumerOptions, type Subscription } from './consumer.js';
