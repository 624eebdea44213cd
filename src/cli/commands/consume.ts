// samsa consume: kafka-console-consumer.sh. Prints the records of a topic (--topic), of the topics
// a regular expression matches (--include), or of one partition (--partition, --offset), with
// Kafka's DefaultMessageFormatter (--property print.key=true …), until --max-messages records,
// --timeout-ms without one, or Ctrl-C; then "Processed a total of N messages" on stderr.
//
// --group makes it a real group member (the classic protocol, or KIP-848's with
// --consumer-property group.protocol=consumer) that starts at the group's committed offsets and
// commits what it printed, periodically and on exit, then leaves the group. Without --group it
// reads every partition itself and commits nothing (Kafka's tool joins a throwaway
// console-consumer-NNNNN group instead, which needs a rebalance and leaves that group behind).
// --from-beginning starts where no offset is committed at the earliest record, as in Kafka.
import { UsageError, type ParsedArgs } from '../args.js';
import {
  Consumer,
  KafkaClient,
  type ConsumerOptions,
  type ConsumerRecord,
  type Subscription,
} from '../client/index.js';
import type { Command } from '../command.js';
import { explain } from '../explain.js';
import { toJson } from '../output.js';
import {
  clientOptionsFrom,
  mergeProperties,
  parseKeyValues,
  readPropertiesFile,
  type Properties,
} from '../properties.js';
import { consumerOptions } from './consumer-config.js';
import { DefaultMessageFormatter } from './message-formatter.js';
import { topicPattern } from './topic-filter.js';

const DEFAULT_FORMATTERS = [
  'kafka.tools.DefaultMessageFormatter',
  'org.apache.kafka.tools.consumer.DefaultMessageFormatter',
];
const NOOP_FORMATTERS = [
  'kafka.tools.NoOpMessageFormatter',
  'org.apache.kafka.tools.consumer.NoOpMessageFormatter',
];

export const consumeCommand: Command = {
  name: 'consume',
  summary: 'Print records of topics to standard output',
  kafkaTool: 'kafka-console-consumer.sh',
  usage: [
    'samsa consume --topic NAME [--from-beginning] [--group ID] [--max-messages N] [--property k=v]...',
    'samsa consume --include REGEX [--group ID] ...',
    'samsa consume --topic NAME --partition P [--offset earliest|latest|N]',
  ],
  description:
    'Prints each record’s value (and with --property print.key=true … its key, timestamp, partition,\n' +
    'offset and headers, in Kafka’s order) until Ctrl-C, --max-messages or --timeout-ms; then\n' +
    '"Processed a total of N messages" on stderr. With --group it joins the group and commits.',
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
      help: 'The topic to consume',
      complete: 'topic',
    },
    {
      name: 'include',
      kind: 'value',
      placeholder: 'REGEX',
      help: 'Consume every topic the regular expression matches',
    },
    {
      name: 'group',
      kind: 'value',
      placeholder: 'ID',
      help: 'Consume as a member of this consumer group, committing offsets',
      complete: 'group',
    },
    {
      name: 'from-beginning',
      kind: 'boolean',
      help: 'Where no offset is committed, start at the earliest record, not the latest',
    },
    {
      name: 'partition',
      kind: 'value',
      placeholder: 'P',
      help: 'Consume only this partition (needs --topic; starts at the end unless --offset)',
    },
    {
      name: 'offset',
      kind: 'value',
      placeholder: 'earliest|latest|N',
      help: 'Where --partition starts (default latest)',
      complete: ['earliest', 'latest'],
    },
    { name: 'max-messages', kind: 'value', placeholder: 'N', help: 'Stop after N records' },
    {
      name: 'timeout-ms',
      kind: 'value',
      placeholder: 'MS',
      help: 'Stop when no record arrives for MS milliseconds',
    },
    {
      name: 'isolation-level',
      kind: 'value',
      placeholder: 'LEVEL',
      help: 'read_uncommitted (default) or read_committed (hide aborted and open transactions)',
      complete: ['read_uncommitted', 'read_committed'],
    },
    {
      name: 'property',
      kind: 'list',
      placeholder: 'k=v',
      help: 'Formatter property: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal',
      complete: [
        'print.timestamp=true',
        'print.key=true',
        'print.offset=true',
        'print.partition=true',
        'print.headers=true',
        'print.value=false',
        'key.separator=',
        'line.separator=',
        'headers.separator=',
        'null.literal=',
      ],
    },
    {
      name: 'formatter-config',
      kind: 'value',
      placeholder: 'FILE',
      help: 'Formatter properties file (--property wins)',
      complete: 'file',
    },
    {
      name: 'formatter',
      kind: 'value',
      placeholder: 'CLASS',
      help: 'DefaultMessageFormatter (the default) or NoOpMessageFormatter',
    },
    {
      name: 'consumer-property',
      kind: 'list',
      placeholder: 'k=v',
      help: 'Consumer property: auto.offset.reset, enable.auto.commit, group.protocol, isolation.level, …',
      complete: [
        'auto.offset.reset=',
        'enable.auto.commit=',
        'group.protocol=',
        'client.id=',
        'group.instance.id=',
      ],
    },
    {
      name: 'consumer.config',
      kind: 'value',
      placeholder: 'FILE',
      help: 'Consumer properties file (--consumer-property wins)',
      complete: 'file',
    },
    {
      name: 'key-deserializer',
      kind: 'value',
      placeholder: 'CLASS',
      help: 'Accepted for compatibility: bytes are printed as they are',
    },
    {
      name: 'value-deserializer',
      kind: 'value',
      placeholder: 'CLASS',
      help: 'Accepted for compatibility: bytes are printed as they are',
    },
    { name: 'skip-message-on-error', kind: 'boolean', help: 'Accepted for compatibility' },
    { name: 'enable-systest-events', kind: 'boolean', help: 'Accepted for compatibility; ignored' },
    {
      name: 'output',
      kind: 'value',
      placeholder: 'text|json',
      help: 'text (the formatter’s layout, the default) or json: one JSON object per record, keys and values as UTF-8 text',
      complete: ['text', 'json'],
    },
  ],
  examples: [
    'samsa consume --topic orders --from-beginning',
    'samsa consume --topic orders --group billing --max-messages 10',
    'samsa consume --topic orders --from-beginning --property print.key=true --property print.timestamp=true',
    'samsa consume --include "orders|users" --from-beginning --timeout-ms 5000',
    'samsa consume --topic orders --partition 0 --offset 42 --property print.offset=true',
    'samsa consume --topic orders --group billing --consumer-property group.protocol=consumer',
    'samsa consume --topic orders --isolation-level read_committed --from-beginning --output json',
  ],
  async run({ args, out }) {
    const plan = consumePlan(args);
    const client = await KafkaClient.connect(
      clientOptionsFrom(args.value('bootstrap-server'), plan.props, 'console-consumer'),
    );
    const consumer = new Consumer(client, plan.subscription, plan.options);
    let count = 0;
    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      let lastRecordAt = Date.now();
      while ((plan.maxMessages < 0 || count < plan.maxMessages) && !interrupted) {
        const records = await consumer.poll();
        if (records.length === 0) {
          if (plan.timeoutMs >= 0 && Date.now() - lastRecordAt > plan.timeoutMs) break;
          continue;
        }
        lastRecordAt = Date.now();
        const room = plan.maxMessages < 0 ? records.length : plan.maxMessages - count;
        const printed = records.slice(0, room);
        if (printed.length < records.length) rewind(consumer, records.slice(room));
        count += printed.length;
        if (plan.format !== null) await out.writeBytes(render(printed, plan.format));
      }
      return interrupted ? 130 : 0;
    } catch (err) {
      // The failure first, then the count, as Kafka's tool logs them.
      out.error(out.styleErr('red', `samsa consume: ${explain(err)}`));
      if (args.has('verbose')) out.error(err instanceof Error ? (err.stack ?? '') : '');
      return 1;
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      await consumer.close().catch(() => undefined);
      client.close();
      out.error(`Processed a total of ${count} messages`);
    }
  },
};

type Format = DefaultMessageFormatter | 'json';

interface ConsumePlan {
  subscription: Subscription;
  options: ConsumerOptions;
  props: Properties;
  maxMessages: number;
  timeoutMs: number;
  format: Format | null;
}

/** Kafka's ConsoleConsumerOptions checks, then what to consume and how to print it. */
export function consumePlan(args: ParsedArgs): ConsumePlan {
  const topic = args.value('topic');
  const include = args.value('include');
  if ((topic === undefined) === (include === undefined)) {
    throw new UsageError('Exactly one of --include/--topic is required.');
  }
  const partition = args.int('partition', { min: 0 });
  if (partition !== undefined) {
    if (topic === undefined)
      throw new UsageError('The topic is required when partition is specified.');
    if (args.has('from-beginning') && args.has('offset')) {
      throw new UsageError('Options from-beginning and offset cannot be specified together.');
    }
  } else if (args.has('offset')) {
    throw new UsageError('The partition is required when offset is specified.');
  }
  const configFile = args.value('consumer.config');
  const fileProps =
    configFile === undefined ? new Map() : readPropertiesFile(configFile, '--consumer.config');
  const extraProps = parseKeyValues(args.values('consumer-property'), '--consumer-property');
  const groups = new Set<string>();
  if (args.has('group')) groups.add(args.value('group')!);
  for (const p of [fileProps, extraProps]) if (p.has('group.id')) groups.add(p.get('group.id')!);
  if (groups.size > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${[...groups].map((g) => `'${g}'`).join(', ')}`,
    );
  }
  if (groups.size > 0 && partition !== undefined) {
    throw new UsageError('Options group and partition cannot be specified together.');
  }
  const props = mergeProperties(fileProps, extraProps);
  const reset = props.get('auto.offset.reset');
  if (reset !== undefined && args.has('from-beginning') && reset.trim() !== 'earliest') {
    throw new UsageError(
      `Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`,
    );
  }
  if (reset === undefined)
    props.set('auto.offset.reset', args.has('from-beginning') ? 'earliest' : 'latest');
  const isolation = args.value('isolation-level');
  if (isolation !== undefined) {
    if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') {
      throw new UsageError(
        `Invalid value ${isolation} for --isolation-level: read_committed or read_uncommitted`,
      );
    }
    props.set('isolation.level', isolation);
  }
  const options = consumerOptions(props);
  const groupId = [...groups][0] ?? null;
  options.groupId = groupId;

  let subscription: Subscription;
  if (partition !== undefined) {
    const text = args.value('offset') ?? (args.has('from-beginning') ? 'earliest' : 'latest');
    let offset: bigint | 'earliest' | 'latest';
    if (text.toLowerCase() === 'earliest' || text.toLowerCase() === 'latest') {
      offset = text.toLowerCase() as 'earliest' | 'latest';
    } else if (/^\d+$/.test(text)) {
      offset = BigInt(text);
    } else {
      throw new UsageError(
        `The provided offset value '${text}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`,
      );
    }
    subscription = { kind: 'assign', partitions: [{ topic: topic!, partition, offset }] };
  } else if (topic !== undefined) {
    subscription = { kind: 'topics', topics: [topic] };
  } else {
    subscription = { kind: 'pattern', pattern: topicPattern(include!) };
  }

  const formatter = args.value('formatter');
  const formatterFile = args.value('formatter-config');
  const formatterProps = mergeProperties(
    formatterFile === undefined
      ? new Map()
      : readPropertiesFile(formatterFile, '--formatter-config'),
    parseKeyValues(args.values('property'), '--property'),
  );
  let format: Format | null;
  const output = args.value('output') ?? 'text';
  if (output !== 'text' && output !== 'json') {
    throw new UsageError(`--output must be text or json, but got "${output}"`);
  }
  if (formatter !== undefined && NOOP_FORMATTERS.includes(formatter)) format = null;
  else if (formatter !== undefined && !DEFAULT_FORMATTERS.includes(formatter)) {
    throw new UsageError(
      `--formatter ${formatter} is not supported: use kafka.tools.DefaultMessageFormatter (the default) or kafka.tools.NoOpMessageFormatter`,
    );
  } else format = output === 'json' ? 'json' : new DefaultMessageFormatter(formatterProps);

  const maxMessages = args.int('max-messages') ?? -1;
  const timeoutMs = args.int('timeout-ms') ?? -1;
  return { subscription, options, props, maxMessages, timeoutMs, format };
}

function render(records: readonly ConsumerRecord[], format: Format): Buffer {
  if (format === 'json') {
    const lines = records.map((r) =>
      toJson(
        {
          topic: r.topic,
          partition: r.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          timestampType: r.timestampType,
          key: r.key?.toString('utf8') ?? null,
          value: r.value?.toString('utf8') ?? null,
          headers: r.headers.map((h) => ({ key: h.key, value: h.value?.toString('utf8') ?? null })),
        },
        0,
      ),
    );
    return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  }
  const parts: Buffer[] = [];
  for (const r of records) format.format(r, parts);
  return Buffer.concat(parts);
}

/** Seeks each partition back to its first record not printed, so it is not committed as read. */
function rewind(consumer: Consumer, unprinted: readonly ConsumerRecord[]): void {
  const first = new Map<string, ConsumerRecord>();
  for (const r of unprinted) {
    const k = `${r.topic}\u0000${r.partition}`;
    if (!first.has(k)) first.set(k, r);
  }
  for (const r of first.values()) consumer.seek(r.topic, r.partition, r.offset);
}
