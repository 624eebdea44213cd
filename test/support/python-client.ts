// Python confluent-kafka (Debian's python3-confluent-kafka on librdkafka 2.0.2) as a child process
// for interop and fault tests. Scripts get a small prelude (base64 in and out, so binary keys,
// values and headers survive JSON) and print one JSON document as their last stdout line.
// A missing module fails the test with the install command; nothing skips.
import { runOk } from './run.js';
import type { FetchedRecord, Header, TestRecord } from './interop-records.js';

export const PYTHON = '/usr/bin/python3';
export const PYTHON_TIMEOUT_MS = 30_000;

export const PYTHON_PRELUDE = `
import base64, json, os, sys
from confluent_kafka import Producer, Consumer, TopicPartition, KafkaError, OFFSET_BEGINNING, OFFSET_END
def b64(b):
    return None if b is None else base64.b64encode(b).decode()
def unb64(s):
    return None if s is None else base64.b64decode(s)
def record_out(m):
    kind, ts = m.timestamp()
    return {'partition': m.partition(), 'offset': m.offset(), 'timestampType': kind, 'timestamp': ts,
            'key': b64(m.key()), 'value': b64(m.value()),
            'headers': [[k, b64(v)] for k, v in (m.headers() or [])]}
args = json.loads(sys.argv[1])
def finish(result):
    # confluent-kafka 1.7.0 loses a reference to None now and then (null header values, among
    # others); at interpreter shutdown None's count then reaches zero and Python aborts. Leaving
    # with os._exit, once the output is flushed, skips that final teardown.
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)
`;

/**
 * Runs `script` with `args` (as the JSON `args`) and returns the JSON it printed last; scripts end
 * with finish(result).
 */
export async function runPython<T>(
  script: string,
  args: unknown,
  timeoutMs = PYTHON_TIMEOUT_MS,
): Promise<T> {
  let stdout: Buffer;
  try {
    ({ stdout } = await runOk(PYTHON, ['-c', PYTHON_PRELUDE + script, JSON.stringify(args)], {
      timeoutMs,
    }));
  } catch (err) {
    if (/No module named 'confluent_kafka'/.test(String(err))) {
      throw new Error(
        'python3-confluent-kafka is not installed: run bash scripts/install-test-deps.sh ' +
          '(apt-get install -y python3-confluent-kafka)',
        { cause: err },
      );
    }
    throw err;
  }
  const lines = stdout.toString('utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

export interface PythonRecordJson {
  partition: number;
  offset: number;
  timestampType: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

const unb64 = (s: string | null): Buffer | null => (s === null ? null : Buffer.from(s, 'base64'));
const b64 = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'));

export function fromPythonRecord(r: PythonRecordJson): FetchedRecord & { timestampType: number } {
  return {
    partition: r.partition,
    offset: BigInt(r.offset),
    timestamp: BigInt(r.timestamp),
    timestampType: r.timestampType,
    key: unb64(r.key),
    value: unb64(r.value),
    headers: r.headers.map(([k, v]): Header => [k, unb64(v)]),
  };
}

const PRODUCE_SCRIPT = `
producer = Producer(args['config'])
delivered, failed = [], []
def report(i):
    def on_delivery(err, msg):
        if err:
            failed.append([i, err.name(), err.str()])
        else:
            delivered.append([i, msg.partition(), msg.offset()])
    return on_delivery
for i, r in enumerate(args['records']):
    kw = {}
    if r.get('timestamp') is not None:
        kw['timestamp'] = r['timestamp']
    if r.get('partition') is not None:
        kw['partition'] = r['partition']
    producer.produce(args['topic'], key=unb64(r['key']), value=unb64(r['value']),
                     headers=[(k, unb64(v)) for k, v in r['headers']], on_delivery=report(i), **kw)
    if args.get('flushEach'):
        producer.flush(15)
left = producer.flush(15)
finish({'delivered': sorted(delivered), 'failed': sorted(failed), 'left': left})
`;

export interface PythonProduceResult {
  /** [record index, partition, offset] */
  delivered: [number, number, number][];
  /** [record index, error name, error text] */
  failed: [number, string, string][];
  left: number;
}

/** Produces `records` with a confluent_kafka.Producer configured by `config` (plus bootstrap). */
export function pythonProduce(
  bootstrap: string,
  topic: string,
  records: readonly (TestRecord & { partition?: number })[],
  config: Record<string, string | number | boolean> = {},
  options: { flushEach?: boolean } = {},
): Promise<PythonProduceResult> {
  return runPython<PythonProduceResult>(PRODUCE_SCRIPT, {
    topic,
    flushEach: options.flushEach ?? false,
    config: {
      'bootstrap.servers': bootstrap,
      'client.id': 'samsa-interop-python',
      'message.timeout.ms': 15_000,
      ...config,
    },
    records: records.map((r) => ({
      key: b64(r.key),
      value: b64(r.value),
      headers: r.headers.map(([k, v]) => [k, b64(v)]),
      timestamp: r.timestamp ?? null,
      partition: r.partition ?? null,
    })),
  });
}

const CONSUME_SCRIPT = `
consumer = Consumer(dict(args['config'], **{'enable.auto.commit': False, 'enable.partition.eof': True}))
starts = {'beginning': OFFSET_BEGINNING, 'end': OFFSET_END}
consumer.assign([TopicPartition(t, p, starts.get(o, o)) for t, p, o in args['assign']])
records, errors, eof = [], [], set()
while len(records) < args['count'] and len(eof) < len(args['assign']):
    m = consumer.poll(10)
    if m is None:
        errors.append('poll timed out')
        break
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            eof.add((m.topic(), m.partition()))
        else:
            errors.append(m.error().name())
        continue
    eof.discard((m.topic(), m.partition()))
    records.append(record_out(m))
consumer.close()
finish({'records': records, 'errors': errors})
`;

/**
 * Consumes with confluent_kafka.Consumer and assign() (no subscribe, no commits) from each
 * [topic, partition, offset] — offset a number, 'beginning' or 'end' — until `count` records or
 * every partition reports EOF.
 */
export async function pythonConsume(
  bootstrap: string,
  assign: [string, number, number | 'beginning' | 'end'][],
  count: number,
): Promise<{ records: (FetchedRecord & { timestampType: number })[]; errors: string[] }> {
  const out = await runPython<{ records: PythonRecordJson[]; errors: string[] }>(CONSUME_SCRIPT, {
    assign,
    count,
    config: {
      'bootstrap.servers': bootstrap,
      'client.id': 'samsa-interop-python',
      'group.id': 'samsa-interop-unjoined',
    },
  });
  return { records: out.records.map(fromPythonRecord), errors: out.errors };
}

/** librdkafka's timestamp types, as confluent_kafka reports them. */
export const TIMESTAMP_CREATE_TIME = 1;
export const TIMESTAMP_LOG_APPEND_TIME = 2;
