// samsa perf produce | consume: kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh, with
// their flags and their lines (perf-stats.ts).
//
// produce: --num-records records of --record-size random letters (or from --payload-file, or
// --payload-monotonic numbers), at most --throughput records/sec (-1: as fast as possible),
// through Samsa's producer with --producer-props; a progress line every 5 s and the summary with
// latency percentiles. Latency is from send() to the acknowledgement, as Kafka measures it.
// consume: --messages records as a member of --group (default perf-consumer-NNNNN), from the
// earliest offset unless --from-latest, then the CSV-style summary Kafka prints.
import { readFileSync } from 'node:fs';
import { UsageError, required, type ParsedArgs } from '../args.js';
import { Consumer, KafkaClient, Producer } from '../client/index.js';
import type { Command } from '../command.js';
import { explain } from '../explain.js';
import type { Output } from '../output.js';
import {
  clientOptionsFrom,
  mergeProperties,
  parseKeyValues,
  readPropertiesFile,
} from '../properties.js';
import { consumerOptions } from './consumer-config.js';
import { ProducerStats, fixed, formatDate } from './perf-stats.js';
import { producerSettings } from './producer-config.js';

const PRODUCE_FLAGS = [
  'num-records',
  'record-size',
  'payload-file',
  'payload-delimiter',
  'payload-monotonic',
  'throughput',
  'producer-props',
  'producer.config',
  'transactional-id',
  'transaction-duration-ms',
];
const CONSUME_FLAGS = [
  'messages',
  'group',
  'fetch-size',
  'socket-buffer-size',
  'from-latest',
  'timeout',
  'reporting-interval',
  'show-detailed-stats',
  'date-format',
  'hide-header',
  'consumer.config',
];

export const perfCommand: Command = {
  name: 'perf',
  summary: 'Measure produce or consume throughput and latency',
  kafkaTool: 'kafka-producer-perf-test.sh / kafka-consumer-perf-test.sh',
  usage: [
    'samsa perf produce --topic NAME --num-records N --record-size BYTES --throughput N|-1 [--producer-props k=v ...]',
    'samsa perf consume --topic NAME --messages N [--group ID] [--from-latest] [--show-detailed-stats]',
  ],
  description:
    'produce prints a progress line every 5 seconds and a summary with latency percentiles;\n' +
    'consume prints Kafka’s CSV-style header and summary row.',
  positionals: true,
  words: ['produce', 'consume'],
  flags: [
    {
      name: 'bootstrap-server',
      kind: 'value',
      placeholder: 'HOST:PORT[,...]',
      help: 'The broker(s) to connect to (default 127.0.0.1:9092, or bootstrap.servers)',
    },
    {
      name: 'topic',
      kind: 'value',
      placeholder: 'NAME',
      help: 'The topic to produce to or consume from',
      complete: 'topic',
    },
    { name: 'num-records', kind: 'value', placeholder: 'N', help: 'produce: how many records' },
    {
      name: 'record-size',
      kind: 'value',
      placeholder: 'BYTES',
      help: 'produce: each record’s size',
    },
    {
      name: 'payload-file',
      kind: 'value',
      placeholder: 'FILE',
      help: 'produce: pick payloads at random from this file’s lines',
      complete: 'file',
    },
    {
      name: 'payload-delimiter',
      kind: 'value',
      placeholder: 'TEXT',
      help: 'produce: what separates payloads in --payload-file (default \\n)',
    },
    { name: 'payload-monotonic', kind: 'boolean', help: 'produce: payloads are 0, 1, 2, …' },
    {
      name: 'throughput',
      kind: 'value',
      placeholder: 'N|-1',
      help: 'produce: at most N records/sec; -1 for no limit',
    },
    {
      name: 'producer-props',
      kind: 'multi',
      placeholder: 'k=v ...',
      help: 'produce: producer properties (acks, linger.ms, batch.size, compression.type, …)',
    },
    {
      name: 'producer.config',
      kind: 'value',
      placeholder: 'FILE',
      help: 'produce: producer properties file',
      complete: 'file',
    },
    {
      name: 'transactional-id',
      kind: 'value',
      placeholder: 'ID',
      help: 'produce: not supported yet',
    },
    {
      name: 'transaction-duration-ms',
      kind: 'value',
      placeholder: 'MS',
      help: 'produce: not supported yet',
    },
    {
      name: 'messages',
      kind: 'value',
      placeholder: 'N',
      help: 'consume: how many records to read',
    },
    {
      name: 'group',
      kind: 'value',
      placeholder: 'ID',
      help: 'consume: the group (default perf-consumer-NNNNN)',
      complete: 'group',
    },
    {
      name: 'fetch-size',
      kind: 'value',
      placeholder: 'BYTES',
      help: 'consume: max.partition.fetch.bytes (default 1048576)',
    },
    {
      name: 'socket-buffer-size',
      kind: 'value',
      placeholder: 'BYTES',
      help: 'consume: accepted for compatibility; ignored',
    },
    {
      name: 'from-latest',
      kind: 'boolean',
      help: 'consume: start at the latest offset where none is committed',
    },
    {
      name: 'timeout',
      kind: 'optional',
      placeholder: '[MS]',
      help: 'consume: give up after MS without a record (default 10000)',
    },
    {
      name: 'reporting-interval',
      kind: 'value',
      placeholder: 'MS',
      help: 'consume: --show-detailed-stats interval (default 5000)',
    },
    {
      name: 'show-detailed-stats',
      kind: 'boolean',
      help: 'consume: a line per reporting interval',
    },
    {
      name: 'date-format',
      kind: 'value',
      placeholder: 'PATTERN',
      help: 'consume: SimpleDateFormat (default yyyy-MM-dd HH:mm:ss:SSS)',
    },
    { name: 'hide-header', kind: 'boolean', help: 'consume: no header line' },
    {
      name: 'consumer.config',
      kind: 'value',
      placeholder: 'FILE',
      help: 'consume: consumer properties file',
      complete: 'file',
    },
    { name: 'print-metrics', kind: 'boolean', help: 'Accepted for compatibility; ignored' },
  ],
  examples: [
    'samsa perf produce --topic perf --num-records 100000 --record-size 100 --throughput -1',
    'samsa perf produce --topic perf --num-records 50000 --record-size 1024 --throughput 10000 --producer-props acks=1 linger.ms=10 compression.type=lz4',
    'samsa perf consume --topic perf --messages 100000',
    'samsa perf consume --topic perf --messages 100000 --show-detailed-stats --reporting-interval 1000',
  ],
  async run({ args, out }) {
    const mode = args.positionals[0];
    if (args.positionals.length !== 1 || (mode !== 'produce' && mode !== 'consume')) {
      throw new UsageError('Name what to measure: samsa perf produce, or samsa perf consume');
    }
    const other = mode === 'produce' ? CONSUME_FLAGS : PRODUCE_FLAGS;
    const wrong = other.find((f) => args.has(f));
    if (wrong !== undefined)
      throw new UsageError(`Option --${wrong} does not apply to perf ${mode}`);
    return mode === 'produce' ? perfProduce(args, out) : perfConsume(args, out);
  },
};

/** A small deterministic generator for payload letters (Kafka seeds SplittableRandom with 0). */
function letters(seed: number): (buf: Buffer) => void {
  let x = seed | 1;
  return (buf) => {
    for (let i = 0; i < buf.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      buf[i] = 65 + ((x >>> 0) % 26);
    }
  };
}

async function perfProduce(args: ParsedArgs, out: Output): Promise<number> {
  const topic = required(args, 'topic', 'perf produce');
  const numRecords = args.int('num-records');
  if (numRecords === undefined)
    throw new UsageError('Missing required option --num-records for perf produce');
  if (numRecords <= 0) throw new UsageError('--num-records should be greater than zero');
  const payloadModes = ['record-size', 'payload-file', 'payload-monotonic'].filter((f) =>
    args.has(f),
  );
  if (payloadModes.length !== 1) {
    throw new UsageError(
      'Exactly one of --record-size, --payload-file or --payload-monotonic is needed',
    );
  }
  const recordSize = args.int('record-size');
  if (recordSize !== undefined && recordSize <= 0) {
    throw new UsageError('--record-size should be greater than zero');
  }
  const throughputText = args.value('throughput');
  if (throughputText === undefined)
    throw new UsageError('Missing required option --throughput for perf produce');
  const throughput = Number(throughputText);
  if (!Number.isFinite(throughput))
    throw new UsageError(`--throughput expects a number, but got "${throughputText}"`);
  if (args.has('transactional-id') || args.has('transaction-duration-ms')) {
    throw new UsageError('Transactions are not supported by samsa perf produce yet');
  }
  let payloads: Buffer[] = [];
  const file = args.value('payload-file');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `Cannot read --payload-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    if (text.length === 0) throw new UsageError('File does not exist or empty file provided.');
    const delimiter =
      (args.value('payload-delimiter') ?? '\\n') === '\\n'
        ? '\n'
        : args.value('payload-delimiter')!;
    payloads = text.split(delimiter).map((p) => Buffer.from(p, 'utf8'));
    out.line(`Reading payloads from: ${file}`);
    out.line(`Number of messages read: ${payloads.length}`);
  }
  const configFile = args.value('producer.config');
  const props = mergeProperties(
    configFile === undefined ? new Map() : readPropertiesFile(configFile, '--producer.config'),
    parseKeyValues(args.values('producer-props'), '--producer-props'),
  );
  const settings = producerSettings(props, { retries: 2_147_483_647 });
  const client = await KafkaClient.connect(
    clientOptionsFrom(args.value('bootstrap-server'), props, 'perf-producer-client'),
  );
  const producer = new Producer(client, settings);
  const stats = new ProducerStats(numRecords, 5_000, (line) => out.line(line));
  const fill = letters(0x9e3779b9);
  let failures = 0;
  let firstError: Error | null = null;
  const start = Date.now();
  let lastYield = start;
  try {
    for (let i = 0; i < numRecords; i++) {
      let value: Buffer;
      if (recordSize !== undefined) {
        value = Buffer.allocUnsafe(recordSize);
        fill(value);
      } else if (payloads.length > 0) {
        value = payloads[Math.floor(Math.random() * payloads.length)]!;
      } else {
        value = Buffer.from(String(i), 'utf8');
      }
      const sentAt = Date.now();
      const bytes = value.length;
      producer.send({ topic, value }, (err) => {
        const now = Date.now();
        if (err === null) stats.record(now - sentAt, bytes, now);
        else {
          failures++;
          if (firstError === null) {
            firstError = err;
            out.error(
              out.styleErr('red', `samsa perf: Error when sending a record: ${explain(err)}`),
            );
          }
        }
      });
      if (throughput > 0) {
        const due = start + ((i + 1) * 1000) / throughput;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      if (producer.bufferedBytes >= settings.bufferMemory) {
        await producer.waitForCapacity(settings.bufferMemory);
      } else if (Date.now() - lastYield >= 5) {
        // Let acknowledgements in: the producer's sender shares this thread.
        lastYield = Date.now();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await producer.flush();
    stats.printTotal();
    if (failures > 0) {
      out.error(out.styleErr('red', `samsa perf: ${failures} of ${numRecords} records failed`));
      return 1;
    }
    return 0;
  } finally {
    client.close();
  }
}

async function perfConsume(args: ParsedArgs, out: Output): Promise<number> {
  const topic = required(args, 'topic', 'perf consume');
  const messages = args.int('messages', { min: 0 });
  if (messages === undefined)
    throw new UsageError('Missing required option --messages for perf consume');
  const interval = args.int('reporting-interval') ?? 5_000;
  if (interval <= 0) throw new UsageError('Reporting interval must be greater than 0.');
  const timeoutText = args.value('timeout');
  const timeoutMs = timeoutText === undefined || timeoutText === '' ? 10_000 : Number(timeoutText);
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0) {
    throw new UsageError(`--timeout expects milliseconds, but got "${timeoutText}"`);
  }
  const detailed = args.has('show-detailed-stats');
  const dateFormat = args.value('date-format') ?? 'yyyy-MM-dd HH:mm:ss:SSS';
  const configFile = args.value('consumer.config');
  const props = mergeProperties(
    configFile === undefined ? new Map() : readPropertiesFile(configFile, '--consumer.config'),
  );
  props.set('auto.offset.reset', args.has('from-latest') ? 'latest' : 'earliest');
  const fetchSize = args.int('fetch-size', { min: 0 });
  if (fetchSize !== undefined) props.set('max.partition.fetch.bytes', String(fetchSize));
  const options = consumerOptions(props);
  options.groupId = args.value('group') ?? `perf-consumer-${Math.floor(Math.random() * 100_000)}`;
  if (!args.has('hide-header')) {
    const extra = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
    out.line(
      detailed
        ? `time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${extra}`
        : `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${extra}`,
    );
  }
  const client = await KafkaClient.connect(
    clientOptionsFrom(args.value('bootstrap-server'), props, 'perf-consumer-client'),
  );
  const startMs = Date.now();
  let joinStart = startMs;
  let joinTimeMs = 0;
  let joinInRound = 0;
  options.onAssigned = () => {
    const elapsed = Date.now() - joinStart;
    joinTimeMs += elapsed;
    joinInRound += elapsed;
    joinStart = Date.now();
  };
  const consumer = new Consumer(client, { kind: 'topics', topics: [topic] }, options);
  let read = 0;
  let bytes = 0;
  let lastRead = 0;
  let lastBytes = 0;
  const mb = (n: number): number => n / (1024 * 1024);
  try {
    let now = Date.now();
    let lastReport = now;
    let lastConsumed = now;
    while (read < messages && now - lastConsumed <= timeoutMs) {
      const records = await consumer.poll();
      now = Date.now();
      if (records.length > 0) lastConsumed = now;
      for (const r of records) {
        read++;
        bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        if (now - lastReport >= interval) {
          if (detailed) {
            const elapsed = now - lastReport;
            const fetchMs = elapsed - joinInRound;
            out.line(
              `${formatDate(now, dateFormat)}, 0, ${fixed(mb(bytes), 4)}, ${fixed((1000 * mb(bytes - lastBytes)) / elapsed, 4)}, ${read}, ${fixed(((read - lastRead) / elapsed) * 1000, 4)}, ${joinInRound}, ${fetchMs}, ${fixed(fetchMs <= 0 ? 0 : (1000 * mb(bytes - lastBytes)) / fetchMs, 4)}, ${fixed(fetchMs <= 0 ? 0 : (1000 * (read - lastRead)) / fetchMs, 4)}`,
            );
          }
          joinInRound = 0;
          lastReport = now;
          lastRead = read;
          lastBytes = bytes;
        }
      }
    }
    if (read < messages) {
      out.line(
        `WARNING: Exiting before consuming the expected number of messages: timeout (${timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.`,
      );
    }
  } finally {
    await consumer.close().catch(() => undefined);
    client.close();
  }
  const endMs = Date.now();
  const elapsedSec = (endMs - startMs) / 1000;
  const fetchTimeMs = endMs - startMs - joinTimeMs;
  if (!detailed) {
    const total = mb(bytes);
    out.line(
      `${formatDate(startMs, dateFormat)}, ${formatDate(endMs, dateFormat)}, ${fixed(total, 4)}, ${fixed(total / elapsedSec, 4)}, ${read}, ${fixed(read / elapsedSec, 4)}, ${joinTimeMs}, ${fetchTimeMs}, ${fixed(total / (fetchTimeMs / 1000), 4)}, ${fixed(read / (fetchTimeMs / 1000), 4)}`,
    );
  }
  return 0;
}
