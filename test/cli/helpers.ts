// Runs samsa commands in-process (runCli) with captured streams, and produces records through
// the CLI's own client, for tests of the commands against a live in-process broker.
import { PassThrough } from 'node:stream';
import { Apis } from '../../src/protocol/generated/index.js';
import { buildRecordBatch, type RecordInput } from '../../src/protocol/records/index.js';
import { KafkaClient, throwIfError } from '../../src/cli/client/index.js';
import { runCli } from '../../src/cli/run.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `samsa ...argv` in-process; `tty` makes stdout (and stderr, and stdin) look like a
 * terminal; `stdin` is the input, ended after it (none: an empty, ended stdin).
 */
export async function samsa(
  argv: readonly string[],
  options: { tty?: boolean; env?: NodeJS.ProcessEnv; stdin?: string | Buffer } = {},
): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  stdin.end(options.stdin ?? '');
  const code = await runCli(argv, {
    stdout: {
      write: (s: string | Uint8Array) => (stdout += typeof s === 'string' ? s : Buffer.from(s)),
      isTTY: options.tty === true,
    },
    stderr: {
      write: (s: string | Uint8Array) => (stderr += typeof s === 'string' ? s : Buffer.from(s)),
      isTTY: options.tty === true,
    },
    stdin,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

/** Produces one batch of `records` to topic-partition through the CLI client; returns its base offset. */
export async function produce(
  bootstrap: string,
  topic: string,
  partition: number,
  records: readonly RecordInput[],
): Promise<bigint> {
  const client = await KafkaClient.connect({ bootstrap });
  try {
    const leader = (await client.leaders([topic])).get(topic)!.get(partition)!;
    const response = await client.request(
      Apis.Produce,
      {
        acks: -1,
        timeoutMs: 5000,
        transactionalId: null,
        topicData: [
          {
            name: topic,
            partitionData: [{ index: partition, records: buildRecordBatch({ records }) }],
          },
        ],
      },
      { broker: leader },
    );
    const p = response.responses[0]!.partitionResponses[0]!;
    throwIfError(p.errorCode, p.errorMessage);
    return p.baseOffset;
  } finally {
    client.close();
  }
}

/** Topic ids vary per run: replace them so layouts compare as golden text. */
export function maskTopicIds(text: string): string {
  return text.replace(/TopicId: [A-Za-z0-9_-]{22}/g, 'TopicId: <id>');
}

/** Broker overrides for group tests: no initial rebalance delay, few internal partitions, fast KIP-848 heartbeats. */
export const CLI_BROKER = {
  overrides: {
    'group.initial.rebalance.delay.ms': 0,
    'offsets.topic.num.partitions': 3,
    'transaction.state.log.num.partitions': 3,
    'group.consumer.min.heartbeat.interval.ms': 200,
    'group.consumer.heartbeat.interval.ms': 200,
  },
};
