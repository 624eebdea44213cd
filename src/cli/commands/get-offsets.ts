// samsa get-offsets: kafka-get-offsets.sh. Offsets of partitions at a point in time —
// latest (-1, the default), earliest (-2), max-timestamp (-3), earliest-local (-4),
// latest-tiered (-5), or the first offset whose timestamp is at or after <ms> — printed as
// `topic:partition:offset`, sorted by "topic-partition" as text, as Kafka sorts them.
// Partitions with no such offset are left out; partition errors are reported on stderr.
import { Apis } from '../../protocol/generated/index.js';
import { UsageError, type ParsedArgs } from '../args.js';
import { kafkaErrorFor, type KafkaClient } from '../client/index.js';
import { CONNECTION_FLAGS, OUTPUT_FLAG, wantsJson, withClient, type Command } from '../command.js';
import { explain } from '../explain.js';
import type { Output } from '../output.js';
import { isInternalTopic, topicPattern } from './topic-filter.js';

const TIME_SPECS: Readonly<Record<string, bigint>> = {
  latest: -1n,
  earliest: -2n,
  'max-timestamp': -3n,
  'earliest-local': -4n,
  'latest-tiered': -5n,
};
/** The ListOffsets version that first understands each special timestamp. */
const MIN_VERSION_FOR: Readonly<Record<string, number>> = { '-3': 7, '-4': 8, '-5': 9 };

interface PartitionFilter {
  topic: RegExp;
  partition(p: number): boolean;
}

export const getOffsetsCommand: Command = {
  name: 'get-offsets',
  summary: 'Print partition offsets at a point in time',
  kafkaTool: 'kafka-get-offsets.sh',
  usage: [
    'samsa get-offsets [--topic REGEX [--partitions 0,1]] [--time latest|earliest|max-timestamp|MS]',
    'samsa get-offsets --topic-partitions "orders:0-3,users"',
  ],
  description:
    'Prints topic:partition:offset for every matching partition. Without --topic, every topic.\n--time defaults to latest (the log end offset).',
  flags: [
    ...CONNECTION_FLAGS,
    {
      name: 'topic',
      kind: 'value',
      placeholder: 'REGEX',
      help: 'Topics to query (a regular expression)',
      complete: 'topic',
    },
    { name: 'partitions', kind: 'value', placeholder: '0,1,…', help: 'Partition ids to query' },
    {
      name: 'topic-partitions',
      kind: 'value',
      placeholder: 'LIST',
      help: 'Patterns topic:partition, topic:from-to, topic:from-, topic:-to, comma-separated',
    },
    {
      name: 'time',
      kind: 'value',
      placeholder: 'TIME',
      help: '-1/latest (default), -2/earliest, -3/max-timestamp, -4/earliest-local, -5/latest-tiered, or ms',
      complete: ['latest', 'earliest', 'max-timestamp', '-1', '-2', '-3'],
    },
    { name: 'exclude-internal-topics', kind: 'boolean', help: 'Leave out internal topics' },
    OUTPUT_FLAG,
  ],
  examples: [
    'samsa get-offsets --topic orders',
    'samsa get-offsets --topic orders --partitions 0,1 --time earliest',
    'samsa get-offsets --topic orders --time 1700000000000',
    "samsa get-offsets --topic-partitions 'orders:0-2,users' --time -3",
    'samsa get-offsets --topic orders --output json',
  ],
  async run({ args, out }) {
    const time = parseTime(args.value('time') ?? 'latest');
    const filters = partitionFilters(args);
    const json = wantsJson(args);
    return withClient(args, (client) => getOffsets(client, filters, time, args, out, json));
  },
};

export function parseTime(text: string): bigint {
  const named = TIME_SPECS[text];
  if (named !== undefined) return named;
  if (/^-?\d+$/.test(text)) return BigInt(text);
  throw new UsageError(
    `Malformed time argument ${text}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp`,
  );
}

function partitionFilters(args: ParsedArgs): PartitionFilter[] {
  const list = args.value('topic-partitions');
  if (list !== undefined) {
    if (args.has('topic') || args.has('partitions')) {
      throw new UsageError('--topic-partitions cannot be used with --topic or --partitions');
    }
    return list.split(',').map((spec) => {
      const m = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/.exec(spec);
      if (m === null) throw new UsageError(`Invalid rule specification: ${spec}`);
      const topic = topicPattern(m[1] ? m[1] : '.*');
      if (m[2]) {
        const only = Number(m[2]);
        return { topic, partition: (p: number) => p === only };
      }
      const low = m[3] ? Number(m[3]) : 0;
      const high = m[4] ? Number(m[4]) : Number.MAX_SAFE_INTEGER;
      return { topic, partition: (p: number) => p >= low && p < high };
    });
  }
  const partitions = args.value('partitions');
  let ids: Set<number> | null = null;
  if (partitions !== undefined && partitions !== '') {
    const parts = partitions.split(',');
    if (!parts.every((p) => /^\s*\d+\s*$/.test(p))) {
      throw new UsageError(
        `--partitions expects a comma separated list of numeric partition ids, but received: ${partitions}`,
      );
    }
    ids = new Set(parts.map(Number));
  }
  return [
    {
      topic: topicPattern(args.value('topic') ?? '.*'),
      partition: (p: number) => ids === null || ids.has(p),
    },
  ];
}

interface Result {
  topic: string;
  partition: number;
  offset: bigint;
}

async function getOffsets(
  client: KafkaClient,
  filters: PartitionFilter[],
  time: bigint,
  args: ParsedArgs,
  out: Output,
  json: boolean,
): Promise<number> {
  const metadata = await client.metadata(null);
  const excludeInternal = args.has('exclude-internal-topics');
  // Partitions grouped by the broker that leads them (ListOffsets goes to the leader).
  const byLeader = new Map<number, Map<string, number[]>>();
  let matched = 0;
  for (const t of metadata.topics) {
    if (t.errorCode !== 0 || t.name === null) continue;
    if (excludeInternal && isInternalTopic(t.name, t.isInternal)) continue;
    for (const p of t.partitions) {
      if (!filters.some((f) => f.topic.test(t.name!) && f.partition(p.partitionIndex))) continue;
      matched++;
      const topics = byLeader.get(p.leaderId) ?? new Map<string, number[]>();
      topics.set(t.name, [...(topics.get(t.name) ?? []), p.partitionIndex]);
      byLeader.set(p.leaderId, topics);
    }
  }
  if (matched === 0)
    throw new Error('Could not match any topic-partitions with the specified filters');
  const results: Result[] = [];
  const errors: string[] = [];
  await Promise.all(
    [...byLeader].map(async ([leader, topics]) => {
      if (leader < 0) {
        for (const [topic, ps] of topics) {
          for (const p of ps)
            errors.push(skipMessage(topic, p, 'There is no leader for this topic-partition'));
        }
        return;
      }
      const conn = await client.connection(leader);
      const version = conn.versionFor(Apis.ListOffsets);
      const needed = MIN_VERSION_FOR[String(time)];
      if (needed !== undefined && version < needed) {
        throw new Error(
          `Broker ${conn.label} does not support --time ${time} (ListOffsets v${needed}+ needed, it serves up to v${version})`,
        );
      }
      const response = await conn.send(
        Apis.ListOffsets,
        {
          replicaId: -1,
          isolationLevel: 0,
          timeoutMs: 30_000,
          topics: [...topics].map(([name, ps]) => ({
            name,
            partitions: ps.map((partitionIndex) => ({
              partitionIndex,
              currentLeaderEpoch: -1,
              timestamp: time,
              maxNumOffsets: 1,
            })),
          })),
        },
        { version },
      );
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) {
            errors.push(skipMessage(t.name, p.partitionIndex, explain(kafkaErrorFor(p.errorCode))));
            continue;
          }
          const offset = version === 0 ? (p.oldStyleOffsets[0] ?? -1n) : p.offset;
          if (offset !== -1n) results.push({ topic: t.name, partition: p.partitionIndex, offset });
        }
      }
    }),
  );
  const key = (r: Result): string => `${r.topic}-${r.partition}`;
  results.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  for (const e of errors) out.error(e);
  if (json) out.json(results);
  else for (const r of results) out.line(`${r.topic}:${r.partition}:${r.offset}`);
  return 0;
}

function skipMessage(topic: string, partition: number, why: string): string {
  return `Skip getting offsets for topic-partition ${topic}-${partition} due to error: ${why}`;
}
