// Python confluent-kafka 1.7.0 on librdkafka 2.0.2 (InitProducerId v4, AddPartitionsToTxn v1,
// AddOffsetsToTxn v1, TxnOffsetCommit v3 with the member's id and generation, EndTxn v1, Fetch
// v11 read_committed, OffsetFetch v7 with require_stable): transactions committed and aborted
// over two partitions, read by librdkafka consumers with read_committed (its default) and
// read_uncommitted; read-process-write with send_offsets_to_transaction and an aborted round;
// zombie fencing on the Produce and EndTxn paths (librdkafka's fatal _FENCED, carrying the
// broker's INVALID_PRODUCER_EPOCH); INVALID_TRANSACTION_TIMEOUT at init_transactions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { runPython } from '../../support/python-client.js';
import { committedOffsets, produceRange, recordValue } from '../groups/support.js';
import { FAST_TRANSACTIONS, describeTransaction, type Seen } from './support.js';

const TOPIC = 'txn-python';

/** err_out and attempt(): a KafkaException as JSON (name, code, fatal…), or 'ok'. */
const TXN_PRELUDE = `
from confluent_kafka import KafkaException
def err_out(e):
    k = e.args[0]
    return {'name': k.name(), 'fatal': k.fatal(), 'abortable': k.txn_requires_abort(), 'message': k.str()}
def attempt(fn):
    try:
        fn()
        return 'ok'
    except KafkaException as e:
        return err_out(e)
def producer_config(transactional_id, **extra):
    return dict({'bootstrap.servers': args['bootstrap'], 'client.id': 'samsa-interop-python-txn',
                 'transactional.id': transactional_id, 'transaction.timeout.ms': 10000,
                 'message.timeout.ms': 10000}, **extra)
`;

interface PythonError {
  name: string;
  fatal: boolean;
  abortable: boolean;
  message: string;
}

const CONSUME_SCRIPT = `
consumer = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': 'samsa-interop-unjoined',
                     'isolation.level': args['isolation'], 'enable.auto.commit': False,
                     'enable.partition.eof': True})
consumer.assign([TopicPartition(args['topic'], p, OFFSET_BEGINNING) for p in range(args['partitions'])])
seen, errors, eof = [], [], set()
while len(eof) < args['partitions']:
    m = consumer.poll(10)
    if m is None:
        errors.append('poll timed out')
        break
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            eof.add(m.partition())
        else:
            errors.append(m.error().name())
        continue
    eof.discard(m.partition())
    seen.append([m.partition(), m.offset(), m.value().decode()])
consumer.close()
finish({'seen': sorted(seen), 'errors': errors})
`;

/** Every record of `topic` up to each partition's end (the LSO for read_committed), sorted. */
async function pythonReadAll(
  bootstrap: string,
  topic: string,
  partitions: number,
  isolation: 'read_committed' | 'read_uncommitted',
): Promise<Seen[]> {
  const out = await runPython<{ seen: Seen[]; errors: string[] }>(CONSUME_SCRIPT, {
    bootstrap,
    topic,
    partitions,
    isolation,
  });
  assert.deepEqual(out.errors, []);
  return out.seen;
}

const PROGRAM_SCRIPT =
  TXN_PRELUDE +
  `
producer = Producer(producer_config(args['transactionalId']))
producer.init_transactions(10)
results = []
for txn in args['transactions']:
    delivered = []
    def on_delivery(err, msg):
        delivered.append(err.name() if err else [msg.partition(), msg.offset(), msg.value().decode()])
    producer.begin_transaction()
    for partition, value in txn['sends']:
        producer.produce(args['topic'], value=value.encode(), partition=partition, on_delivery=on_delivery)
    producer.flush(10)
    end = producer.commit_transaction if txn['end'] == 'commit' else producer.abort_transaction
    results.append({'delivered': sorted(delivered), 'end': attempt(lambda: end(10))})
finish(results)
`;

test('Python confluent-kafka transactions: commit, abort and commit over two partitions; read_committed sees exactly the committed records', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const results = await runPython<unknown>(PROGRAM_SCRIPT, {
        bootstrap,
        topic: TOPIC,
        transactionalId: 'python-commit-abort',
        transactions: [
          {
            sends: [
              [0, 'a0'],
              [1, 'a2'],
              [0, 'a1'],
            ],
            end: 'commit',
          },
          {
            sends: [
              [1, 'b1'],
              [0, 'b0'],
              [1, 'b2'],
            ],
            end: 'abort',
          },
          {
            sends: [
              [0, 'c0'],
              [1, 'c1'],
            ],
            end: 'commit',
          },
        ],
      });
      // One marker after each transaction on each partition.
      assert.deepEqual(results, [
        {
          delivered: [
            [0, 0, 'a0'],
            [0, 1, 'a1'],
            [1, 0, 'a2'],
          ],
          end: 'ok',
        },
        {
          delivered: [
            [0, 3, 'b0'],
            [1, 2, 'b1'],
            [1, 3, 'b2'],
          ],
          end: 'ok',
        },
        {
          delivered: [
            [0, 5, 'c0'],
            [1, 5, 'c1'],
          ],
          end: 'ok',
        },
      ]);
      const done = await describeTransaction(port, 'python-commit-abort');
      assert.deepEqual(
        [done.state, done.timeoutMs, done.producerEpoch],
        ['CompleteCommit', 10_000, 0],
      );
      assert.deepEqual(await pythonReadAll(bootstrap, TOPIC, 2, 'read_committed'), [
        [0, 0, 'a0'],
        [0, 1, 'a1'],
        [0, 5, 'c0'],
        [1, 0, 'a2'],
        [1, 5, 'c1'],
      ]);
      assert.deepEqual(await pythonReadAll(bootstrap, TOPIC, 2, 'read_uncommitted'), [
        [0, 0, 'a0'],
        [0, 1, 'a1'],
        [0, 3, 'b0'],
        [0, 5, 'c0'],
        [1, 0, 'a2'],
        [1, 2, 'b1'],
        [1, 3, 'b2'],
        [1, 5, 'c1'],
      ]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});

const INPUT = 'rpw-python-input';
const OUTPUT = 'rpw-python-output';
const GROUP = 'rpw-python';

// Rounds of 3, 2 (aborted, then the consumer seeks back) and 3 input records. The group's
// committed offset is read by a second consumer of the group that never joins it, with
// read_uncommitted (OffsetFetch without require_stable); the member itself, with read_committed,
// asks with require_stable and is told UNSTABLE_OFFSET_COMMIT while a transaction holds offsets.
const READ_PROCESS_WRITE_SCRIPT =
  TXN_PRELUDE +
  `
base = {'bootstrap.servers': args['bootstrap'], 'group.id': args['group'], 'enable.auto.commit': False}
consumer = Consumer(dict(base, **{'auto.offset.reset': 'earliest', 'session.timeout.ms': 6000}))
watcher = Consumer(dict(base, **{'isolation.level': 'read_uncommitted'}))
tp = TopicPartition(args['input'], 0)
def committed(c, timeout):
    try:
        return c.committed([tp], timeout)[0].offset
    except KafkaException as e:
        return err_out(e)['name']
consumer.subscribe([args['input']])
producer = Producer(producer_config(args['transactionalId']))
producer.init_transactions(10)
rounds = []
for size, end in args['rounds']:
    batch = []
    while len(batch) < size:
        m = consumer.poll(10)
        if m is None:
            finish({'error': 'poll timed out', 'rounds': rounds})
        if not m.error():
            batch.append(m)
    producer.begin_transaction()
    for m in batch:
        producer.produce(args['output'], value=b'out-' + m.value(), partition=0)
    producer.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                         consumer.consumer_group_metadata(), 10)
    while_open = [committed(watcher, 10), committed(consumer, 1)]
    if end == 'commit':
        producer.commit_transaction(10)
    else:
        producer.abort_transaction(10)
        consumer.seek(TopicPartition(args['input'], 0, batch[0].offset()))
    rounds.append([[m.offset() for m in batch], end, while_open, committed(watcher, 10), committed(consumer, 10)])
consumer.close()
finish({'rounds': rounds})
`;

test('Python confluent-kafka read-process-write: send_offsets_to_transaction commits the group offset with the output; an abort moves nothing', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      await createTopic(bootstrap, INPUT);
      await createTopic(bootstrap, OUTPUT);
      await produceRange(bootstrap, INPUT, 1, 0, 6);
      const out = await runPython<unknown>(READ_PROCESS_WRITE_SCRIPT, {
        bootstrap,
        input: INPUT,
        output: OUTPUT,
        group: GROUP,
        transactionalId: 'python-rpw',
        rounds: [
          [3, 'commit'],
          [2, 'abort'],
          [3, 'commit'],
        ],
      });
      // [input offsets, outcome, [committed while open, the member's view while open],
      //  committed after, the member's view after]
      assert.deepEqual(out, {
        rounds: [
          [[0, 1, 2], 'commit', [-1001, '_TIMED_OUT'], 3, 3],
          [[3, 4], 'abort', [3, '_TIMED_OUT'], 3, 3],
          [[3, 4, 5], 'commit', [3, '_TIMED_OUT'], 6, 6],
        ],
      });
      assert.deepEqual(await committedOffsets(bootstrap, GROUP, INPUT), [6]);
      // Output: three records and a marker per transaction; the aborted round at offsets 4-5.
      const output = (o: number): string => `out-${recordValue(0, o)}`;
      assert.deepEqual(await pythonReadAll(bootstrap, OUTPUT, 1, 'read_committed'), [
        [0, 0, output(0)],
        [0, 1, output(1)],
        [0, 2, output(2)],
        [0, 7, output(3)],
        [0, 8, output(4)],
        [0, 9, output(5)],
      ]);
      assert.deepEqual(await pythonReadAll(bootstrap, OUTPUT, 1, 'read_uncommitted'), [
        [0, 0, output(0)],
        [0, 1, output(1)],
        [0, 2, output(2)],
        [0, 4, output(3)],
        [0, 5, output(4)],
        [0, 7, output(3)],
        [0, 8, output(4)],
        [0, 9, output(5)],
      ]);
    },
    { overrides: FAST_TRANSACTIONS },
  );
});

const FENCING_SCRIPT =
  TXN_PRELUDE +
  `
res = {}
for path in ['produce', 'commit']:
    zombie = Producer(producer_config('python-fenced-' + path))
    zombie.init_transactions(10)
    zombie.begin_transaction()
    zombie.produce(args['topic'], value=('zombie-' + path).encode(), partition=0)
    zombie.flush(10)
    successor = Producer(producer_config('python-fenced-' + path))
    successor.init_transactions(10)
    if path == 'produce':
        zombie.produce(args['topic'], value=b'zombie-late', partition=0)
        res['flush'] = attempt(lambda: zombie.flush(10))
    res[path] = attempt(lambda: zombie.commit_transaction(10))
    successor.begin_transaction()
    successor.produce(args['topic'], value=('successor-' + path).encode(), partition=1)
    successor.commit_transaction(10)
too_long = Producer(producer_config('python-too-long', **{'transaction.timeout.ms': 10001}))
res['init'] = attempt(lambda: too_long.init_transactions(10))
finish(res)
`;

test('Python confluent-kafka: a fenced zombie fails with _FENCED (INVALID_PRODUCER_EPOCH from the broker); transaction.timeout.ms above the maximum fails init_transactions', async () => {
  await withBroker(
    async ({ bootstrap, port }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      const res = await runPython<Record<string, PythonError | 'ok'>>(FENCING_SCRIPT, {
        bootstrap,
        topic: TOPIC,
      });
      const fenced = (request: string): PythonError => ({
        name: '_FENCED',
        fatal: true,
        abortable: false,
        message:
          `${request} failed: Broker: Producer attempted an operation with an old epoch` +
          ' (broker 1 PID{Id:0,Epoch:0}, base seq 1): transactional producer fenced by newer producer instance',
      });
      assert.deepEqual(res, {
        flush: fenced('ProduceRequest for txn-python [0] with 1 message(s)'),
        produce: fenced('ProduceRequest for txn-python [0] with 1 message(s)'),
        commit: {
          name: '_FENCED',
          fatal: true,
          abortable: false,
          message:
            'Failed to end transaction: Local: This instance has been fenced by a newer instance',
        },
        init: {
          name: 'INVALID_TRANSACTION_TIMEOUT',
          fatal: true,
          abortable: false,
          message:
            'Failed to acquire transactional PID from broker TxnCoordinator/1: Broker: Transaction ' +
            "timeout is larger than the maximum value allowed by the broker's max.transaction.timeout.ms",
        },
      });
      for (const path of ['produce', 'commit']) {
        const t = await describeTransaction(port, `python-fenced-${path}`);
        assert.deepEqual([t.state, t.producerEpoch], ['CompleteCommit', 2]);
      }
      assert.deepEqual(await pythonReadAll(bootstrap, TOPIC, 2, 'read_committed'), [
        [1, 0, 'successor-produce'],
        [1, 2, 'successor-commit'],
      ]);
      assert.deepEqual(await pythonReadAll(bootstrap, TOPIC, 2, 'read_uncommitted'), [
        [0, 0, 'zombie-produce'],
        [0, 2, 'zombie-commit'],
        [1, 0, 'successor-produce'],
        [1, 2, 'successor-commit'],
      ]);
    },
    { overrides: { ...FAST_TRANSACTIONS, 'transaction.max.timeout.ms': 10_000 } },
  );
});
