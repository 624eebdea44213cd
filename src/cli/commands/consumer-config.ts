// Kafka consumer properties → the CLI consumer's options, shared by `samsa consume` and
// `samsa perf consume`. Keys Samsa's consumer uses are read and checked; others (deserializers,
// buffer sizes, …) are accepted and ignored, as Kafka's consumer ignores keys it does not know.
import type { ConsumerOptions } from '../client/index.js';
import { boolProperty, choiceProperty, intProperty, type Properties } from '../properties.js';

export function consumerOptions(props: Properties): ConsumerOptions {
  const out: ConsumerOptions = {};
  const int = (key: string, min: number): number | undefined => intProperty(props, key, { min });
  const isolation = choiceProperty(props, 'isolation.level', [
    'read_uncommitted',
    'read_committed',
  ]);
  if (isolation !== undefined) out.isolationLevel = isolation === 'read_committed' ? 1 : 0;
  const reset = choiceProperty(props, 'auto.offset.reset', ['earliest', 'latest', 'none']);
  if (reset !== undefined) out.autoOffsetReset = reset;
  const protocol = choiceProperty(props, 'group.protocol', ['classic', 'consumer']);
  if (protocol !== undefined) out.groupProtocol = protocol;
  const autoCommit = boolProperty(props, 'enable.auto.commit');
  if (autoCommit !== undefined) out.enableAutoCommit = autoCommit;
  const autoCreate = boolProperty(props, 'allow.auto.create.topics');
  if (autoCreate !== undefined) out.allowAutoTopicCreation = autoCreate;
  const numbers: [keyof ConsumerOptions, string, number][] = [
    ['autoCommitIntervalMs', 'auto.commit.interval.ms', 0],
    ['maxWaitMs', 'fetch.max.wait.ms', 0],
    ['minBytes', 'fetch.min.bytes', 0],
    ['maxBytes', 'fetch.max.bytes', 0],
    ['partitionMaxBytes', 'max.partition.fetch.bytes', 0],
    ['sessionTimeoutMs', 'session.timeout.ms', 1],
    ['heartbeatIntervalMs', 'heartbeat.interval.ms', 1],
    ['rebalanceTimeoutMs', 'max.poll.interval.ms', 1],
    ['metadataMaxAgeMs', 'metadata.max.age.ms', 0],
  ];
  for (const [option, key, min] of numbers) {
    const n = int(key, min);
    if (n !== undefined) (out as Record<string, unknown>)[option] = n;
  }
  const instance = props.get('group.instance.id');
  if (instance !== undefined && instance !== '') out.groupInstanceId = instance;
  const assignor = props.get('group.remote.assignor');
  if (assignor !== undefined && assignor !== '') out.serverAssignor = assignor;
  return out;
}
