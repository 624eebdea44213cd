// samsa delete-records: kafka-delete-records.sh. Deletes the records of partitions below the
// offsets in a JSON file — {"partitions":[{"topic":"orders","partition":0,"offset":100}],
// "version":1}, offset -1 meaning the high watermark — and prints Kafka's report:
//
//   Executing records delete operation
//   Records delete operation completed:
//   partition: orders-0	low_watermark: 100
//   partition: nope-0	error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: …
//
// Unlike Kafka's tool, a partition that fails makes the exit code 1.
import { readFileSync } from 'node:fs';
import type { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import { UsageError, required } from '../args.js';
import { kafkaErrorFor, type KafkaClient } from '../client/index.js';
import { CONNECTION_FLAGS, OUTPUT_FLAG, wantsJson, withClient, type Command } from '../command.js';
import { explain, javaException } from '../explain.js';

interface Target {
  topic: string;
  partition: number;
  offset: bigint;
}

interface Outcome extends Target {
  lowWatermark?: bigint;
  error?: KafkaError;
}

export const deleteRecordsCommand: Command = {
  name: 'delete-records',
  summary: 'Delete records below given offsets',
  kafkaTool: 'kafka-delete-records.sh',
  usage: ['samsa delete-records --offset-json-file FILE [--output json]'],
  description:
    'The file lists partitions and the offset below which their records are deleted:\n' +
    '{"partitions":[{"topic":"orders","partition":0,"offset":100}],"version":1}\n' +
    'Offset -1 deletes up to the high watermark.',
  flags: [
    ...CONNECTION_FLAGS,
    {
      name: 'offset-json-file',
      kind: 'value',
      placeholder: 'FILE',
      help: 'The JSON file of partitions and offsets',
      complete: 'file',
    },
    OUTPUT_FLAG,
  ],
  examples: [
    `echo '{"partitions":[{"topic":"orders","partition":0,"offset":100}],"version":1}' > delete.json`,
    'samsa delete-records --offset-json-file delete.json',
  ],
  async run({ args, out }) {
    const file = required(args, 'offset-json-file');
    const json = wantsJson(args);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `Cannot read --offset-json-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    const targets = parseOffsetJson(text);
    return withClient(args, async (client) => {
      if (!json) out.line('Executing records delete operation');
      const outcomes = await deleteRecords(client, targets);
      if (json) {
        out.json(
          outcomes.map((o) => ({
            topic: o.topic,
            partition: o.partition,
            ...(o.error === undefined
              ? { lowWatermark: o.lowWatermark }
              : { error: explain(o.error) }),
          })),
        );
      } else {
        out.line('Records delete operation completed:');
        for (const o of outcomes) {
          const tp = `${o.topic}-${o.partition}`;
          out.line(
            o.error === undefined
              ? `partition: ${tp}\tlow_watermark: ${o.lowWatermark}`
              : `partition: ${tp}\terror: ${javaException(o.error)}`,
          );
        }
      }
      return outcomes.some((o) => o.error !== undefined) ? 1 : 0;
    });
  },
};

export function parseOffsetJson(text: string): Target[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch {
    throw new UsageError('The input string is not a valid JSON');
  }
  if (typeof js !== 'object' || js === null || Array.isArray(js)) {
    throw new UsageError('The input string is not a valid JSON object');
  }
  const obj = js as { version?: unknown; partitions?: unknown };
  const version = obj.version ?? 1;
  if (version !== 1) throw new UsageError(`Not supported version field value ${String(version)}`);
  if (!Array.isArray(obj.partitions)) throw new UsageError('Missing partitions field');
  const targets = obj.partitions.map((p: unknown, i) => {
    const e = p as { topic?: unknown; partition?: unknown; offset?: unknown };
    if (
      typeof e.topic !== 'string' ||
      !Number.isInteger(e.partition) ||
      !Number.isInteger(e.offset)
    ) {
      throw new UsageError(
        `Entry ${i} of partitions needs "topic" (a string), "partition" and "offset" (integers)`,
      );
    }
    return { topic: e.topic, partition: e.partition as number, offset: BigInt(e.offset as number) };
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const t of targets) {
    const tp = `${t.topic}-${t.partition}`;
    if (seen.has(tp)) duplicates.add(tp);
    seen.add(tp);
  }
  if (duplicates.size > 0) {
    throw new UsageError(
      `Offset json file contains duplicate topic partitions: ${[...duplicates].join(',')}`,
    );
  }
  return targets;
}

async function deleteRecords(client: KafkaClient, targets: Target[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = targets.map((t) => ({ ...t }));
  const metadata = await client.metadata([...new Set(targets.map((t) => t.topic))]);
  const leaders = new Map<string, number>();
  for (const t of metadata.topics) {
    for (const p of t.partitions) leaders.set(`${t.name}-${p.partitionIndex}`, p.leaderId);
  }
  const byLeader = new Map<number, Outcome[]>();
  for (const o of outcomes) {
    const leader = leaders.get(`${o.topic}-${o.partition}`);
    if (leader === undefined) o.error = kafkaErrorFor(3);
    else if (leader < 0) o.error = kafkaErrorFor(5);
    else byLeader.set(leader, [...(byLeader.get(leader) ?? []), o]);
  }
  await Promise.all(
    [...byLeader].map(async ([leader, group]) => {
      const topics = new Map<string, Outcome[]>();
      for (const o of group) topics.set(o.topic, [...(topics.get(o.topic) ?? []), o]);
      const response = await client.request(
        Apis.DeleteRecords,
        {
          topics: [...topics].map(([name, os]) => ({
            name,
            partitions: os.map((o) => ({ partitionIndex: o.partition, offset: o.offset })),
          })),
          timeoutMs: 30_000,
        },
        { broker: leader },
      );
      for (const t of response.topics) {
        for (const p of t.partitions) {
          const o = group.find((g) => g.topic === t.name && g.partition === p.partitionIndex);
          if (o === undefined) continue;
          if (p.errorCode !== 0) o.error = kafkaErrorFor(p.errorCode);
          else o.lowWatermark = p.lowWatermark;
        }
      }
    }),
  );
  return outcomes;
}
