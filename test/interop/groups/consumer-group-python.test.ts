// Python confluent-kafka 1.7.0 on librdkafka 2.0.2 in a consumer group (FindCoordinator v2,
// JoinGroup v5, SyncGroup v3, OffsetCommit v7, OffsetFetch v7, DescribeGroups v0, ListGroups v0):
// a consumer reads a topic and commits chosen offsets by hand, closes, and the next consumer in
// the group starts exactly there. Its AdminClient.list_groups (ListGroups, then DescribeGroups)
// sees the member and its assignment while it runs and the Empty group after. confluent-kafka
// 1.7.0's AdminClient has no list/describe/alter/delete_consumer_groups yet (they came in 2.x).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssignerProtocol } from 'kafkajs';
import { withBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { runPython } from '../../support/python-client.js';
import { FAST_GROUPS, committedOffsets, produceRange, recordValue } from './support.js';

const TOPIC = 'python-resume';
const GROUP = 'python-group';

/** Shared by both consumers: subscribe, poll to the end of every assigned partition. */
const CONSUME = `
import time
from confluent_kafka.admin import AdminClient
def group_view(groups):
    return [{'id': g.id, 'error': None if g.error is None else g.error.name(), 'state': g.state,
             'protocolType': g.protocol_type, 'protocol': g.protocol,
             'members': [{'clientId': m.client_id, 'assignment': b64(m.assignment)} for m in g.members]}
            for g in groups]
admin = AdminClient({'bootstrap.servers': args['bootstrap']})
consumer = Consumer({'bootstrap.servers': args['bootstrap'], 'group.id': args['group'],
                     'client.id': args['clientId'], 'enable.auto.commit': False,
                     'auto.offset.reset': 'earliest', 'enable.partition.eof': True})
assigned = []
consumer.subscribe([args['topic']], on_assign=lambda c, ps: assigned.extend(p.partition for p in ps))
records, errors, eof = [], [], set()
deadline = time.time() + 20
while time.time() < deadline and not (assigned and eof >= set(assigned)):
    m = consumer.poll(0.2)
    if m is None:
        continue
    if m.error():
        if m.error().code() == KafkaError._PARTITION_EOF:
            eof.add(m.partition())
        else:
            errors.append(m.error().name())
        continue
    eof.discard(m.partition())
    records.append([m.partition(), m.offset(), m.value().decode()])
running = group_view(admin.list_groups(args['group'], timeout=10))
if args['commit'] is None:
    consumer.commit(asynchronous=False)
else:
    consumer.commit(offsets=[TopicPartition(args['topic'], p, o) for p, o in args['commit']],
                    asynchronous=False)
tps = [TopicPartition(args['topic'], p) for p in sorted(assigned)]
committed = [[tp.partition, tp.offset] for tp in consumer.committed(tps, timeout=10)]
consumer.close()
after = group_view(admin.list_groups(args['group'], timeout=10))
everything = sorted(g.id for g in admin.list_groups(timeout=10))
finish({'assigned': sorted(assigned), 'records': records, 'errors': errors, 'committed': committed,
        'running': running, 'after': after, 'all': everything})
`;

interface GroupView {
  id: string;
  error: string | null;
  state: string;
  protocolType: string;
  protocol: string;
  members: { clientId: string; assignment: string }[];
}

interface ConsumeResult {
  assigned: number[];
  records: [number, number, string][];
  errors: string[];
  committed: [number, number][];
  running: GroupView[];
  after: GroupView[];
  all: string[];
}

function consume(
  bootstrap: string,
  clientId: string,
  commit: [number, number][] | null,
): Promise<ConsumeResult> {
  return runPython<ConsumeResult>(CONSUME, {
    bootstrap,
    group: GROUP,
    topic: TOPIC,
    clientId,
    commit,
  });
}

function expected(ranges: [number, number, number][]): [number, number, string][] {
  return ranges.flatMap(([p, from, to]) =>
    Array.from({ length: to - from }, (_, i): [number, number, string] => [
      p,
      from + i,
      recordValue(p, from + i),
    ]),
  );
}

const sorted = (records: [number, number, string][]) =>
  [...records].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

test('Python confluent-kafka: commit chosen offsets, close, and the next consumer of the group resumes exactly there', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      await createTopic(bootstrap, TOPIC, { partitions: 2 });
      await produceRange(bootstrap, TOPIC, 2, 0, 10);

      const first = await consume(bootstrap, 'python-first', [
        [0, 4],
        [1, 7],
      ]);
      assert.deepEqual(first.errors, []);
      assert.deepEqual(first.assigned, [0, 1]);
      assert.deepEqual(
        sorted(first.records),
        expected([
          [0, 0, 10],
          [1, 0, 10],
        ]),
      );
      assert.deepEqual(first.committed, [
        [0, 4],
        [1, 7],
      ]);
      // While it ran: one Stable group, one member owning both partitions.
      const [running] = first.running;
      assert.deepEqual(
        { ...running, members: running?.members.map((m) => m.clientId) },
        {
          id: GROUP,
          error: null,
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'range',
          members: ['python-first'],
        },
      );
      const assignment = AssignerProtocol.MemberAssignment.decode(
        Buffer.from(running!.members[0]!.assignment, 'base64'),
      );
      assert.deepEqual(assignment?.assignment, { [TOPIC]: [0, 1] });
      assert.deepEqual(first.after, [
        {
          id: GROUP,
          error: null,
          state: 'Empty',
          protocolType: 'consumer',
          protocol: '',
          members: [],
        },
      ]);
      assert.ok(first.all.includes(GROUP), `list_groups() lists ${GROUP}: ${first.all.join()}`);
      assert.deepEqual(await committedOffsets(bootstrap, GROUP, TOPIC), [4, 7]);

      // The next consumer starts at 4 and 7, reads to the end and commits its positions.
      await produceRange(bootstrap, TOPIC, 2, 10, 12);
      const second = await consume(bootstrap, 'python-second', null);
      assert.deepEqual(second.errors, []);
      assert.deepEqual(
        sorted(second.records),
        expected([
          [0, 4, 12],
          [1, 7, 12],
        ]),
      );
      assert.deepEqual(second.committed, [
        [0, 12],
        [1, 12],
      ]);
      assert.deepEqual(await committedOffsets(bootstrap, GROUP, TOPIC), [12, 12]);
    },
    { overrides: FAST_GROUPS },
  );
});
