// samsa produce: kafka-console-producer.sh. Each line of stdin becomes a record (LineMessageReader's
// properties: parse.key, key.separator, parse.headers, …), partitioned as Kafka's producer does
// (murmur2 of the key, a sticky partition for unkeyed records) and batched (linger.ms, batch.size)
// into record batches, compressed with --compression-codec or compression.type.
//
// On a terminal (stdin and stdout both) a ">" prompt comes before each line, as Kafka's prints it.
// Without --sync, records are sent asynchronously and a failed one is reported on stderr, one line
// per record, and the command exits 1 once the input is done; with --sync each record is sent and
// acknowledged before the next line is read, and the first failure ends the command (exit 1).
// A malformed line (a missing separator) ends it too, as in Kafka.
import { createInterface } from 'node:readline';
import { UsageError, required } from '../args.js';
import { KafkaClient, Producer, type ProducerRecord } from '../client/index.js';
import type { Command } from '../command.js';
import { explain } from '../explain.js';
import {
  clientOptionsFrom,
  mergeProperties,
  parseKeyValues,
  readPropertiesFile,
} from '../properties.js';
import { LineMessageReader, LineParseError } from './line-reader.js';
import {
  COMPRESSION_NAMES,
  parseAcks,
  parseCompression,
  producerSettings,
} from './producer-config.js';

const LINE_READERS = [
  'kafka.tools.LineMessageReader',
  'org.apache.kafka.tools.LineMessageReader',
  'kafka.tools.ConsoleProducer$LineMessageReader',
];

export const produceCommand: Command = {
  name: 'produce',
  summary: 'Produce records from standard input, one per line',
  kafkaTool: 'kafka-console-producer.sh',
  usage: ['samsa produce --topic NAME [--property k=v]... [--producer-property k=v]... [--sync]'],
  description:
    'Reads lines from standard input until it ends (Ctrl-D), each line one record. With\n' +
    '--property parse.key=true a line is key<TAB>value; key.separator changes the TAB. Keys pick\n' +
    'partitions as Kafka’s producer does (murmur2), so a key lands where a Java client puts it.',
  flags: [
    {
      name: 'bootstrap-server',
      kind: 'value',
      placeholder: 'HOST:PORT[,...]',
      help: 'The broker(s) to connect to (default 127.0.0.1:9092)',
    },
    {
      name: 'topic',
      kind: 'value',
      placeholder: 'NAME',
      help: 'The topic to produce to',
      complete: 'topic',
    },
    {
      name: 'property',
      kind: 'list',
      placeholder: 'k=v',
      help: 'Line reader property: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error',
      complete: [
        'parse.key=true',
        'key.separator=',
        'parse.headers=true',
        'headers.delimiter=',
        'headers.separator=',
        'headers.key.separator=',
        'null.marker=',
        'ignore.error=true',
      ],
    },
    {
      name: 'reader-config',
      kind: 'value',
      placeholder: 'FILE',
      help: 'Line reader properties file (--property wins)',
      complete: 'file',
    },
    {
      name: 'line-reader',
      kind: 'value',
      placeholder: 'CLASS',
      help: 'Accepted for compatibility: only Kafka’s LineMessageReader is supported',
    },
    {
      name: 'producer-property',
      kind: 'list',
      placeholder: 'k=v',
      help: 'Producer property: acks, compression.type, linger.ms, batch.size, enable.idempotence, client.id, …',
      complete: [
        'acks=',
        'compression.type=',
        'linger.ms=',
        'batch.size=',
        'enable.idempotence=',
        'client.id=',
      ],
    },
    {
      name: 'producer.config',
      kind: 'value',
      placeholder: 'FILE',
      help: 'Producer properties file (--producer-property wins)',
      complete: 'file',
    },
    {
      name: 'sync',
      kind: 'boolean',
      help: 'Send each record and wait for its acknowledgement before the next',
    },
    {
      name: 'compression-codec',
      kind: 'optional',
      placeholder: '[CODEC]',
      help: 'none, gzip (the default when given without a value), snappy, lz4 or zstd',
      complete: COMPRESSION_NAMES,
    },
    {
      name: 'request-required-acks',
      kind: 'value',
      placeholder: 'ACKS',
      help: 'acks: -1/all (default), 1 or 0',
      complete: ['all', '-1', '1', '0'],
    },
    {
      name: 'timeout',
      kind: 'value',
      placeholder: 'MS',
      help: 'linger.ms: how long a batch waits for more records (default 5)',
    },
    { name: 'batch-size', kind: 'value', placeholder: 'BYTES', help: 'batch.size (default 16384)' },
    {
      name: 'max-partition-memory-bytes',
      kind: 'value',
      placeholder: 'BYTES',
      help: 'batch.size, as --batch-size',
    },
    {
      name: 'message-send-max-retries',
      kind: 'value',
      placeholder: 'N',
      help: 'retries after a retriable error (default 3)',
    },
    {
      name: 'retry-backoff-ms',
      kind: 'value',
      placeholder: 'MS',
      help: 'retry.backoff.ms (default 100)',
    },
    {
      name: 'request-timeout-ms',
      kind: 'value',
      placeholder: 'MS',
      help: 'request.timeout.ms (default 1500)',
    },
    {
      name: 'max-memory-bytes',
      kind: 'value',
      placeholder: 'BYTES',
      help: 'buffer.memory (default 33554432)',
    },
    {
      name: 'metadata-expiry-ms',
      kind: 'value',
      placeholder: 'MS',
      help: 'Accepted for compatibility; ignored',
    },
    {
      name: 'max-block-ms',
      kind: 'value',
      placeholder: 'MS',
      help: 'Accepted for compatibility; ignored',
    },
    {
      name: 'socket-buffer-size',
      kind: 'value',
      placeholder: 'BYTES',
      help: 'Accepted for compatibility; ignored',
    },
  ],
  examples: [
    'samsa produce --topic orders                      # type lines, Ctrl-D to finish',
    "printf 'k1:hello\\nk2:world\\n' | samsa produce --topic orders --property parse.key=true --property key.separator=:",
    'printf \'h1:v1,h2:v2\\tuser-7\\t{"x":1}\\n\' | samsa produce --topic orders --property parse.headers=true --property parse.key=true',
    'cat events.txt | samsa produce --topic orders --compression-codec zstd --producer-property linger.ms=50',
    'samsa produce --topic orders --sync --request-required-acks 1',
    'samsa produce --topic orders --producer-property enable.idempotence=true --producer-property acks=all',
  ],
  async run({ args, out }) {
    const topic = required(args, 'topic');
    const readerClass = args.value('line-reader');
    if (readerClass !== undefined && !LINE_READERS.includes(readerClass)) {
      throw new UsageError(
        `--line-reader ${readerClass} is not supported: Samsa's producer reads lines with Kafka's LineMessageReader`,
      );
    }
    const readerFile = args.value('reader-config');
    const reader = new LineMessageReader(
      mergeProperties(
        readerFile === undefined ? new Map() : readPropertiesFile(readerFile, '--reader-config'),
        parseKeyValues(args.values('property'), '--property'),
      ),
    );
    const configFile = args.value('producer.config');
    const props = mergeProperties(
      configFile === undefined ? new Map() : readPropertiesFile(configFile, '--producer.config'),
      parseKeyValues(args.values('producer-property'), '--producer-property'),
    );
    // Kafka's console producer flags override the same keys given as properties.
    const flag = (name: string, key: string): void => {
      const v = args.value(name);
      if (v !== undefined) props.set(key, v);
    };
    flag('timeout', 'linger.ms');
    flag('batch-size', 'batch.size');
    flag('max-partition-memory-bytes', 'batch.size');
    flag('message-send-max-retries', 'retries');
    flag('retry-backoff-ms', 'retry.backoff.ms');
    flag('request-timeout-ms', 'request.timeout.ms');
    flag('max-memory-bytes', 'buffer.memory');
    if (args.has('request-required-acks')) {
      parseAcks(args.value('request-required-acks')!, '--request-required-acks');
      props.set('acks', args.value('request-required-acks')!);
    }
    if (args.has('compression-codec')) {
      const codec = args.value('compression-codec') || 'gzip';
      parseCompression(codec, '--compression-codec');
      props.set('compression.type', codec);
    }
    const settings = producerSettings(props, { lingerMs: 5, requestTimeoutMs: 1500, retries: 3 });
    const client = await KafkaClient.connect(
      clientOptionsFrom(args.value('bootstrap-server'), props, 'console-producer'),
    );
    const producer = new Producer(client, settings);
    const prompt = out.io.stdin.isTTY === true && out.io.stdout.isTTY === true;
    const input = createInterface({ input: out.io.stdin, crlfDelay: Infinity, terminal: false });
    const stop = (): void => input.close();
    process.once('SIGINT', stop);
    let failed = 0;
    const report = (record: ProducerRecord, err: Error): void => {
      failed++;
      const size = (b: Buffer | null | undefined): string =>
        b == null ? 'null' : `${b.length} bytes`;
      out.error(
        out.styleErr(
          'red',
          `samsa produce: Error when sending message to topic ${record.topic} with key: ${size(record.key)}, value: ${size(record.value)} with error: ${explain(err)}`,
        ),
      );
    };
    try {
      let lineNumber = 0;
      if (prompt) out.write('>');
      for await (const line of input) {
        lineNumber++;
        let record: ProducerRecord;
        try {
          record = { topic, ...reader.parse(line, lineNumber) };
        } catch (err) {
          if (err instanceof LineParseError) throw new Error(err.message);
          throw err;
        }
        if (args.has('sync')) {
          try {
            await producer.sendAsync(record);
          } catch (err) {
            report(record, err as Error);
            return 1;
          }
        } else {
          producer.send(record, (err) => {
            if (err !== null) report(record, err);
          });
          await producer.waitForCapacity(settings.bufferMemory);
        }
        if (prompt) out.write('>');
      }
      await producer.flush();
      return failed > 0 ? 1 : 0;
    } finally {
      process.removeListener('SIGINT', stop);
      input.close();
      await producer.flush().catch(() => undefined);
      client.close();
    }
  },
};
