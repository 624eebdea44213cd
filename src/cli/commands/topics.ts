// samsa topics: kafka-topics.sh. Create, list, describe (Kafka's exact layout and filters), alter
// the partition count, delete. --topic is a regular expression everywhere but --create, as in
// Kafka. Metadata comes from the Metadata API (so ELR columns print N/A, as Kafka prints them for
// a broker without DescribeTopicPartitions), configs from DescribeConfigs.
import { UsageError, oneAction, rejectFlags, required, type ParsedArgs } from '../args.js';
import { Apis } from '../../protocol/generated/index.js';
import type { MetadataResponseTopic } from '../../protocol/generated/api/metadata.js';
import { CONNECTION_FLAGS, OUTPUT_FLAG, wantsJson, withClient, type Command } from '../command.js';
import { ZERO_UUID, kafkaErrorFor, type KafkaClient } from '../client/index.js';
import { renderFieldLines, type FieldLine, type Output } from '../output.js';
import { RESOURCE_TOPIC, describeConfigs, type ConfigEntry } from './config-entries.js';
import { isInternalTopic, matchTopics } from './topic-filter.js';

const ACTIONS = ['create', 'list', 'describe', 'alter', 'delete'] as const;
const REPORT_FILTERS = [
  'under-replicated-partitions',
  'under-min-isr-partitions',
  'at-min-isr-partitions',
  'unavailable-partitions',
] as const;
const TIMEOUT_MS = 30_000;

export const topicsCommand: Command = {
  name: 'topics',
  summary: 'Create, list, describe, alter and delete topics',
  kafkaTool: 'kafka-topics.sh',
  usage: [
    'samsa topics --create --topic NAME [--partitions N] [--replication-factor N] [--config k=v]...',
    'samsa topics --list [--topic REGEX] [--exclude-internal]',
    'samsa topics --describe [--topic REGEX] [filters] [--output json]',
    'samsa topics --alter --topic REGEX --partitions N',
    'samsa topics --delete --topic REGEX [--if-exists]',
  ],
  description:
    'Exactly one action. Without --partitions or --replication-factor, --create uses the broker’s\nnum.partitions and default.replication.factor. Topic configs are changed with samsa configs.',
  words: ACTIONS.map((a) => `--${a}`),
  flags: [
    ...CONNECTION_FLAGS,
    { name: 'create', kind: 'boolean', help: 'Create a topic' },
    { name: 'list', kind: 'boolean', help: 'List topic names, one per line' },
    { name: 'describe', kind: 'boolean', help: 'Describe topics and their partitions' },
    { name: 'alter', kind: 'boolean', help: 'Raise the number of partitions' },
    { name: 'delete', kind: 'boolean', help: 'Delete topics' },
    {
      name: 'topic',
      kind: 'value',
      placeholder: 'NAME|REGEX',
      help: 'The topic (a regular expression except with --create)',
      complete: 'topic',
    },
    { name: 'topic-id', kind: 'value', placeholder: 'ID', help: 'Describe the topic with this id' },
    {
      name: 'partitions',
      kind: 'value',
      placeholder: 'N',
      help: 'Partitions to create, or raise to',
    },
    {
      name: 'replication-factor',
      kind: 'value',
      placeholder: 'N',
      help: 'Replicas of each partition (--create)',
    },
    {
      name: 'replica-assignment',
      kind: 'value',
      placeholder: 'B:B,B:B',
      help: 'Broker ids per partition, partitions separated by commas (--create)',
    },
    {
      name: 'config',
      kind: 'list',
      placeholder: 'k=v',
      help: 'A topic config for --create (repeatable)',
      complete: 'topic-config',
    },
    {
      name: 'if-exists',
      kind: 'boolean',
      help: 'Alter, delete or describe only if the topic exists',
    },
    { name: 'if-not-exists', kind: 'boolean', help: 'Create only if the topic does not exist' },
    { name: 'exclude-internal', kind: 'boolean', help: 'Leave out internal topics' },
    {
      name: 'under-replicated-partitions',
      kind: 'boolean',
      help: 'Describe only partitions with fewer in-sync replicas than replicas',
    },
    {
      name: 'unavailable-partitions',
      kind: 'boolean',
      help: 'Describe only partitions whose leader is not available',
    },
    {
      name: 'under-min-isr-partitions',
      kind: 'boolean',
      help: 'Describe only partitions with fewer in-sync replicas than min.insync.replicas',
    },
    {
      name: 'at-min-isr-partitions',
      kind: 'boolean',
      help: 'Describe only partitions with exactly min.insync.replicas in sync',
    },
    {
      name: 'topics-with-overrides',
      kind: 'boolean',
      help: 'Describe only topics with configs that differ from the defaults',
    },
    {
      name: 'partition-size-limit-per-response',
      kind: 'value',
      placeholder: 'N',
      help: 'Accepted for compatibility; ignored',
    },
    OUTPUT_FLAG,
  ],
  examples: [
    'samsa topics --create --topic orders --partitions 3',
    'samsa topics --create --topic users --config cleanup.policy=compact --if-not-exists',
    'samsa topics --list',
    'samsa topics --describe --topic orders',
    "samsa topics --describe --topic 'orders|users' --output json",
    'samsa topics --describe --under-replicated-partitions',
    'samsa topics --alter --topic orders --partitions 6',
    'samsa topics --delete --topic orders',
    'samsa topics --list --bootstrap-server kafka-1:9092',
  ],
  async run({ args, out }) {
    const action = oneAction(args, ACTIONS);
    if (action !== 'list' && action !== 'describe' && !args.has('topic')) {
      throw new UsageError(`Missing required option --topic for --${action}`);
    }
    if (action !== 'create' && action !== 'alter') {
      rejectFlags(
        args,
        ['partitions', 'replication-factor', 'replica-assignment', 'config'],
        `--${action}`,
      );
    }
    if (action !== 'describe') {
      rejectFlags(args, [...REPORT_FILTERS, 'topics-with-overrides', 'topic-id'], `--${action}`);
    }
    if (action !== 'create') rejectFlags(args, ['if-not-exists'], `--${action}`);
    if (action === 'create' || action === 'list') rejectFlags(args, ['if-exists'], `--${action}`);
    const json = wantsJson(args);
    if (json && action !== 'list' && action !== 'describe') {
      throw new UsageError(`--output json applies to --list and --describe, not --${action}`);
    }
    return withClient(args, async (client) => {
      switch (action) {
        case 'create':
          return create(client, args, out);
        case 'list':
          return list(client, args, out, json);
        case 'describe':
          return describe(client, args, out, json);
        case 'alter':
          return alter(client, args, out);
        case 'delete':
          return remove(client, args, out);
      }
    });
  },
};

function parseTopicConfigs(values: readonly string[]): { name: string; value: string }[] {
  return values.map((entry) => {
    const parts = entry.split(/\s*=\s*/);
    if (parts.length !== 2 || parts[0]!.trim() === '') {
      throw new UsageError(
        `Invalid topic config "${entry}": all configs to be added must be in the format "key=val"`,
      );
    }
    return { name: parts[0]!.trim(), value: parts[1]!.trim() };
  });
}

function parseReplicaAssignment(text: string): { partitionIndex: number; brokerIds: number[] }[] {
  const partitions = text.split(',').map((p, partitionIndex) => {
    const brokerIds = p.split(':').map((b) => {
      if (!/^\s*\d+\s*$/.test(b)) throw new UsageError(`Invalid --replica-assignment "${text}"`);
      return Number(b);
    });
    if (new Set(brokerIds).size !== brokerIds.length) {
      throw new UsageError(`Partition replica lists may not contain duplicate entries: ${p}`);
    }
    return { partitionIndex, brokerIds };
  });
  const rf = partitions[0]!.brokerIds.length;
  const bad = partitions.find((p) => p.brokerIds.length !== rf);
  if (bad !== undefined) {
    throw new UsageError(
      `Partition ${bad.partitionIndex} has different replication factor: [${bad.brokerIds.join(', ')}]`,
    );
  }
  return partitions;
}

async function create(client: KafkaClient, args: ParsedArgs, out: Output): Promise<number> {
  const name = required(args, 'topic');
  const partitions = args.int('partitions');
  const replicationFactor = args.int('replication-factor');
  if (replicationFactor !== undefined && (replicationFactor < 1 || replicationFactor > 32767)) {
    throw new UsageError('The replication factor must be between 1 and 32767 inclusive');
  }
  if (partitions !== undefined && partitions < 1) {
    throw new UsageError('The partitions must be greater than 0');
  }
  const assignment = args.value('replica-assignment');
  if (assignment !== undefined && (partitions !== undefined || replicationFactor !== undefined)) {
    throw new UsageError(
      'Option --replica-assignment cannot be used with --partitions or --replication-factor',
    );
  }
  const configs = parseTopicConfigs(args.values('config'));
  if (/[._]/.test(name)) {
    out.line(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.",
    );
  }
  const conn = await client.connection('controller');
  const version = conn.versionFor(Apis.CreateTopics);
  if (
    version < 4 &&
    assignment === undefined &&
    (partitions === undefined || replicationFactor === undefined)
  ) {
    throw new UsageError(
      `Broker ${conn.label} needs --partitions and --replication-factor (CreateTopics v${version} has no broker defaults)`,
    );
  }
  const response = await conn.send(
    Apis.CreateTopics,
    {
      topics: [
        {
          name,
          numPartitions: assignment === undefined ? (partitions ?? -1) : -1,
          replicationFactor: assignment === undefined ? (replicationFactor ?? -1) : -1,
          assignments: assignment === undefined ? [] : parseReplicaAssignment(assignment),
          configs,
        },
      ],
      timeoutMs: TIMEOUT_MS,
      validateOnly: false,
    },
    { version },
  );
  const result = response.topics.find((t) => t.name === name) ?? response.topics[0];
  if (result !== undefined && result.errorCode !== 0) {
    if (result.errorCode === 36 && args.has('if-not-exists')) return 0;
    throw kafkaErrorFor(result.errorCode, result.errorMessage);
  }
  out.line(`Created topic ${name}.`);
  return 0;
}

async function list(
  client: KafkaClient,
  args: ParsedArgs,
  out: Output,
  json: boolean,
): Promise<number> {
  const names = matchTopics(
    await client.metadata(null),
    args.value('topic'),
    args.has('exclude-internal'),
  );
  if (json) {
    out.json(names);
  } else if (names.length > 0 || !out.tty) {
    // kafka-topics.sh prints the joined names with println, so no topics is one empty line.
    out.line(names.join('\n'));
  }
  return 0;
}

/** Topics the command acts on: matching --topic; none when --topic matches nothing is an error. */
async function targetTopics(
  client: KafkaClient,
  args: ParsedArgs,
): Promise<MetadataResponseTopic[]> {
  const metadata = await client.metadata(null);
  const topicId = args.value('topic-id');
  let names: string[];
  if (topicId !== undefined && topicId !== ZERO_UUID) {
    names = metadata.topics
      .filter(
        (t) =>
          t.topicId === topicId &&
          !(args.has('exclude-internal') && isInternalTopic(t.name ?? '', t.isInternal)),
      )
      .map((t) => t.name!);
    if (names.length === 0 && !args.has('if-exists')) {
      throw kafkaErrorFor(100, `TopicId '${topicId}' does not exist as expected`);
    }
  } else {
    names = matchTopics(metadata, args.value('topic'), args.has('exclude-internal'));
    const requested = args.value('topic');
    if (
      names.length === 0 &&
      requested !== undefined &&
      requested !== '' &&
      !args.has('if-exists')
    ) {
      throw kafkaErrorFor(3, `Topic '${requested}' does not exist as expected`);
    }
  }
  const byName = new Map(metadata.topics.map((t) => [t.name, t]));
  return names.map((n) => byName.get(n)!);
}

interface PartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

async function describe(
  client: KafkaClient,
  args: ParsedArgs,
  out: Output,
  json: boolean,
): Promise<number> {
  const topics = await targetTopics(client, args);
  const liveBrokers = new Set(client.brokers.keys());
  const filters = REPORT_FILTERS.filter((f) => args.has(f));
  const describeTopicLine = filters.length === 0;
  const overridesOnly = args.has('topics-with-overrides');
  const configs = new Map<string, ConfigEntry[]>();
  await Promise.all(
    topics.map(async (t) => {
      configs.set(t.name!, await describeConfigs(client, { type: RESOURCE_TOPIC, name: t.name! }));
    }),
  );
  const lines: FieldLine[] = [];
  const jsonTopics: unknown[] = [];
  for (const t of topics) {
    const name = t.name!;
    const entries = configs.get(name) ?? [];
    const overrides = entries.filter((e) => !e.isDefault);
    const minIsr = Number(entries.find((e) => e.name === 'min.insync.replicas')?.value ?? '1');
    const partitions: PartitionView[] = [...t.partitions]
      .sort((a, b) => a.partitionIndex - b.partitionIndex)
      .map((p) => ({
        partition: p.partitionIndex,
        leader: p.leaderId,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        offlineReplicas: p.offlineReplicas,
      }));
    const replicationFactor = partitions[0]?.replicas.length ?? 0;
    const showTopic = describeTopicLine && (!overridesOnly || overrides.length > 0);
    const shown = overridesOnly
      ? []
      : partitions.filter(
          (p) =>
            describeTopicLine ||
            (args.has('under-replicated-partitions') && p.replicas.length - p.isr.length > 0) ||
            (args.has('unavailable-partitions') && (p.leader < 0 || !liveBrokers.has(p.leader))) ||
            (args.has('under-min-isr-partitions') && (p.leader < 0 || p.isr.length < minIsr)) ||
            (args.has('at-min-isr-partitions') && p.isr.length === minIsr),
        );
    if (json) {
      if (!showTopic && shown.length === 0) continue;
      jsonTopics.push({
        name,
        topicId: t.topicId === ZERO_UUID ? null : t.topicId,
        internal: isInternalTopic(name, t.isInternal),
        partitionCount: partitions.length,
        replicationFactor,
        configs: Object.fromEntries(overrides.map((e) => [e.name, e.value])),
        partitions: shown.map((p) => ({ ...p, leader: p.leader < 0 ? null : p.leader })),
      });
      continue;
    }
    if (showTopic) {
      lines.push({
        indent: false,
        fields: [
          ['Topic', name],
          ...(t.topicId === ZERO_UUID ? [] : [['TopicId', t.topicId] as const]),
          ['PartitionCount', String(partitions.length)],
          ['ReplicationFactor', String(replicationFactor)],
          ['Configs', overrides.map((e) => `${e.name}=${e.value ?? 'null'}`).join(',')],
        ],
      });
    }
    for (const p of shown) {
      lines.push({
        indent: true,
        fields: [
          ['Topic', name],
          ['Partition', String(p.partition)],
          ['Leader', p.leader < 0 ? 'none' : String(p.leader)],
          ['Replicas', p.replicas.join(',')],
          ['Isr', p.isr.join(',')],
          ['Elr', 'N/A'],
          ['LastKnownElr', 'N/A'],
        ],
      });
    }
  }
  if (json) out.json(jsonTopics);
  else renderFieldLines(out, lines);
  return 0;
}

async function alter(client: KafkaClient, args: ParsedArgs, out: Output): Promise<number> {
  const count = args.int('partitions');
  if (count === undefined) throw new UsageError('Missing required option --partitions for --alter');
  rejectFlags(
    args,
    ['config', 'replication-factor'],
    '--alter (to alter topic configs, use samsa configs)',
  );
  const topics = await targetTopics(client, args);
  if (topics.length === 0) return 0;
  const assignment = args.value('replica-assignment');
  const response = await client.request(
    Apis.CreatePartitions,
    {
      topics: topics.map((t) => ({
        name: t.name!,
        count,
        assignments:
          assignment === undefined
            ? null
            : parseReplicaAssignment(assignment)
                .slice(t.partitions.length)
                .map((p) => ({ brokerIds: p.brokerIds })),
      })),
      timeoutMs: TIMEOUT_MS,
      validateOnly: false,
    },
    { broker: 'controller' },
  );
  const failed = response.results.find((r) => r.errorCode !== 0);
  if (failed !== undefined) throw kafkaErrorFor(failed.errorCode, failed.errorMessage);
  for (const t of topics) {
    out.error(`Topic ${t.name} now has ${count} partitions.`);
  }
  return 0;
}

async function remove(client: KafkaClient, args: ParsedArgs, out: Output): Promise<number> {
  const topics = await targetTopics(client, args);
  if (topics.length === 0) return 0;
  const conn = await client.connection('controller');
  const version = conn.versionFor(Apis.DeleteTopics);
  const names = topics.map((t) => t.name!);
  const response = await conn.send(
    Apis.DeleteTopics,
    version >= 6
      ? { topics: names.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs: TIMEOUT_MS }
      : { topicNames: names, timeoutMs: TIMEOUT_MS },
    { version },
  );
  const failed = response.responses.find((r) => r.errorCode !== 0);
  if (failed !== undefined) {
    throw kafkaErrorFor(
      failed.errorCode,
      failed.errorMessage ?? `Cannot delete topic '${failed.name}'`,
    );
  }
  for (const name of names) out.error(`Deleted topic ${name}.`);
  return 0;
}
