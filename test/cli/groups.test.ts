// samsa groups against a live broker, with kafka-consumer-groups.sh's layouts as golden text:
// --list (plain and the GROUP/TYPE/STATE table), --describe's offsets, members and state views for
// an empty group and for one with an active member, every --reset-offsets scenario with
// --dry-run, --execute and --export, --delete-offsets, --delete, and the error paths.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { partitionForKey } from '../../src/cli/client/index.js';
import { withBroker } from '../support/broker.js';
import { CLI_BROKER, samsa, type Captured } from './helpers.js';

/** Keys that land on partition 0 and 1 of a 2-partition topic (Kafka's murmur2 partitioner). */
function keysFor(partition: number, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    if (partitionForKey(Buffer.from(`key-${i}`), 2) === partition) keys.push(`key-${i}`);
  }
  return keys;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

function ok(r: Captured): string {
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** Orders: partition 0 holds 3 records, partition 1 two; group "billing" has read them all. */
async function setUp(bs: string[]): Promise<void> {
  await samsa(['topics', '--create', '--topic', 'orders', '--partitions', '2', ...bs]);
  const lines = [...keysFor(0, 3), ...keysFor(1, 2)].map((k) => `${k}\tv\n`).join('');
  ok(
    await samsa(['produce', '--topic', 'orders', '--property', 'parse.key=true', ...bs], {
      stdin: lines,
    }),
  );
  const read = await samsa([
    'consume',
    '--topic',
    'orders',
    '--group',
    'billing',
    '--from-beginning',
    '--max-messages',
    '5',
    ...bs,
  ]);
  assert.equal(read.stderr, 'Processed a total of 5 messages\n');
}

test('groups --list and --describe of an empty group: Kafka’s layouts, status on stderr', async () => {
  await withBroker(async ({ bootstrap, port }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await setUp(bs);
    assert.equal(ok(await samsa(['groups', '--list', ...bs])), 'billing\n');
    assert.equal(
      ok(await samsa(['groups', '--list', '--state', '--type', ...bs])),
      'GROUP                     TYPE                 STATE               \n' +
        'billing                   Classic              Empty               \n',
    );
    assert.equal(
      ok(await samsa(['groups', '--list', '--state', 'stable', ...bs])),
      'GROUP                     STATE               \n',
    );
    assert.deepEqual(JSON.parse(ok(await samsa(['groups', '--list', '--output', 'json', ...bs]))), [
      { group: 'billing', type: 'classic', state: 'Empty' },
    ]);

    const offsets = await samsa(['groups', '--describe', '--group', 'billing', ...bs]);
    assert.equal(
      offsets.stdout,
      '\n' +
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
        'billing         orders          0          3               3               0               -               -               -\n' +
        'billing         orders          1          2               2               0               -               -               -\n',
    );
    assert.equal(offsets.stderr, "\nConsumer group 'billing' has no active members.\n");

    const members = await samsa(['groups', '--describe', '--group', 'billing', '--members', ...bs]);
    assert.equal(
      members.stdout,
      '\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n',
    );
    const state = await samsa(['groups', '--describe', '--group', 'billing', '--state', ...bs]);
    const coordinator = `127.0.0.1:${port}  (1)`.padEnd(25);
    assert.equal(
      state.stdout,
      '\n' +
        `GROUP${' '.repeat(Math.max(25, coordinator.trimEnd().length) - 5)} COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\n` +
        `billing${' '.repeat(Math.max(25, coordinator.trimEnd().length) - 7)} ${coordinator} ${''.padEnd(20)} Empty           0\n`,
    );

    const nope = await samsa(['groups', '--describe', '--group', 'nope', ...bs]);
    assert.equal(nope.code, 1);
    assert.equal(nope.stdout, '');
    assert.equal(nope.stderr, "samsa groups: Consumer group 'nope' does not exist.\n");
  }, CLI_BROKER);
});

test('groups --describe of a group with an active member: offsets with lag, members, state', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await setUp(bs);
    ok(
      await samsa(['produce', '--topic', 'orders', '--property', 'parse.key=true', ...bs], {
        stdin: `${keysFor(1, 1)[0]}\tlate\n`,
      }),
    );
    // A member that stays a while (it reads the late record, then idles until its timeout).
    const member = samsa([
      'consume',
      '--topic',
      'orders',
      '--group',
      'billing',
      '--timeout-ms',
      '4000',
      '--consumer-property',
      'client.id=golden',
      '--consumer-property',
      'auto.commit.interval.ms=60000',
      ...bs,
    ]);
    try {
      let members = '';
      for (let i = 0; i < 50 && !members.includes('golden-'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        members = (
          await samsa([
            'groups',
            '--describe',
            '--group',
            'billing',
            '--members',
            '--verbose',
            ...bs,
          ])
        ).stdout;
      }
      const id = `golden-${ZERO_UUID}`;
      assert.equal(
        members.replace(UUID, ZERO_UUID),
        '\n' +
          `GROUP           CONSUMER-ID${' '.repeat(id.length - 11)} HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n` +
          `billing         ${id} /127.0.0.1      golden          2               (0,1)\n`,
      );
      const offsets = await samsa([
        'groups',
        '--describe',
        '--group',
        'billing',
        '--offsets',
        ...bs,
      ]);
      assert.equal(offsets.stderr, '');
      assert.equal(
        offsets.stdout.replace(UUID, ZERO_UUID).replace(UUID, ZERO_UUID),
        '\n' +
          `GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID${' '.repeat(id.length - 11)} HOST            CLIENT-ID\n` +
          `billing         orders          0          3               3               0               ${id} /127.0.0.1      golden\n` +
          `billing         orders          1          2               3               1               ${id} /127.0.0.1      golden\n`,
      );
      const state = ok(
        await samsa(['groups', '--describe', '--group', 'billing', '--state', ...bs]),
      );
      assert.match(
        state,
        /^\nGROUP +COORDINATOR \(ID\) +ASSIGNMENT-STRATEGY  STATE           #MEMBERS\nbilling +127\.0\.0\.1:\d+  \(1\) +range {16}Stable {10}1\n$/,
      );
      const json = JSON.parse(
        ok(
          await samsa([
            'groups',
            '--describe',
            '--group',
            'billing',
            '--members',
            '--output',
            'json',
            ...bs,
          ]),
        ),
      );
      assert.equal(json[0].members[0].clientId, 'golden');
      assert.deepEqual(json[0].members[0].assignment, [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
      ]);

      const refused = await samsa([
        'groups',
        '--reset-offsets',
        '--group',
        'billing',
        '--all-topics',
        '--to-earliest',
        '--execute',
        ...bs,
      ]);
      assert.equal(refused.code, 1);
      assert.equal(
        refused.stderr,
        "samsa groups: Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable.\n",
      );
      const busy = await samsa(['groups', '--delete', '--group', 'billing', ...bs]);
      assert.equal(busy.code, 1);
      assert.equal(
        busy.stderr,
        'samsa groups: Deletion of some consumer groups failed:\n' +
          "* Group 'billing' could not be deleted due to: org.apache.kafka.common.errors.NonEmptyGroupException: The group is not empty.\n",
      );
    } finally {
      const done = await member;
      assert.equal(done.stdout, 'late\n');
    }
  }, CLI_BROKER);
});

test('groups --reset-offsets: every scenario, --dry-run by default, --execute, --export and --from-file', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await setUp(bs);
    const dir = mkdtempSync(join(tmpdir(), 'samsa-reset-'));
    try {
      const reset = (...argv: string[]) =>
        samsa(['groups', '--reset-offsets', '--group', 'billing', ...argv, ...bs]);
      const plan = (rows: [number, number][]): string =>
        '\n' +
        'GROUP                          TOPIC                          PARTITION  NEW-OFFSET     \n' +
        rows
          .map(
            ([p, o]) =>
              `${'billing'.padEnd(30)} ${'orders'.padEnd(30)} ${String(p).padEnd(10)} ${String(o).padEnd(15)}`,
          )
          .join('\n') +
        '\n';
      const dry = await reset('--topic', 'orders', '--to-earliest');
      assert.equal(
        dry.stdout,
        plan([
          [0, 0],
          [1, 0],
        ]),
      );
      assert.match(
        dry.stderr,
        /^WARN: No action will be performed as the --execute option is missing\./,
      );
      assert.equal(
        ok(await reset('--all-topics', '--to-latest', '--dry-run')),
        plan([
          [0, 3],
          [1, 2],
        ]),
      );
      assert.equal(
        ok(await reset('--all-topics', '--to-current', '--dry-run')),
        plan([
          [0, 3],
          [1, 2],
        ]),
      );
      assert.equal(
        ok(await reset('--topic', 'orders:1', '--shift-by', '-1', '--dry-run')),
        plan([[1, 1]]),
      );
      const clamped = await reset('--topic', 'orders:0', '--to-offset', '10', '--dry-run');
      assert.equal(clamped.stdout, plan([[0, 3]]));
      assert.equal(
        clamped.stderr,
        'WARN: New offset (10) is higher than latest offset for topic partition orders-0. Value will be set to 3\n',
      );
      assert.equal(
        ok(await reset('--all-topics', '--by-duration', 'PT1H', '--dry-run')),
        plan([
          [0, 0],
          [1, 0],
        ]),
      );
      const future = await reset(
        '--topic',
        'orders:0',
        '--to-datetime',
        '2999-01-01T00:00:00.000',
        '--dry-run',
      );
      assert.equal(
        future.stdout,
        '\nWarn: Partition 0 from topic orders is empty. Falling back to latest known offset.\n' +
          plan([[0, 3]]),
      );
      // Nothing was executed: the group still stands at the log end.
      assert.equal(
        ok(await reset('--all-topics', '--to-current', '--dry-run')),
        plan([
          [0, 3],
          [1, 2],
        ]),
      );

      assert.equal(
        ok(await reset('--all-topics', '--shift-by', '-2', '--execute')),
        plan([
          [0, 1],
          [1, 0],
        ]),
      );
      const exported = ok(await reset('--all-topics', '--to-current', '--export', '--dry-run'));
      assert.equal(exported, 'orders,0,1\norders,1,0\n\n');
      const file = join(dir, 'plan.csv');
      writeFileSync(file, 'orders,0,2\norders,1,1\n');
      assert.equal(
        ok(await reset('--from-file', file, '--execute')),
        plan([
          [0, 2],
          [1, 1],
        ]),
      );
      const described = ok(await samsa(['groups', '--describe', '--group', 'billing', ...bs]));
      assert.match(described, /^billing +orders +0 +2 +3 +1 +- +- +-$/m);
      assert.match(described, /^billing +orders +1 +1 +2 +1 +- +- +-$/m);
      assert.deepEqual(
        JSON.parse(
          ok(await reset('--all-topics', '--to-earliest', '--output', 'json', '--dry-run')),
        ),
        [
          { group: 'billing', topic: 'orders', partition: 0, newOffset: 0 },
          { group: 'billing', topic: 'orders', partition: 1, newOffset: 0 },
        ],
      );

      const missing = await reset('--topic', 'nope', '--to-earliest', '--dry-run');
      assert.equal(missing.code, 1);
      assert.equal(
        missing.stderr,
        "samsa groups: Topic 'nope' does not exist (UNKNOWN_TOPIC_OR_PARTITION)\n",
      );
      const noPartition = await reset('--topic', 'orders:7', '--to-earliest', '--dry-run');
      assert.equal(noPartition.code, 1);
      assert.match(noPartition.stderr, /The partitions "orders-7" do not exist/);
      const usage: [string[], string][] = [
        [
          ['--all-topics'],
          'Option --reset-offsets requires one of the following scenarios: --to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, --from-file, --to-current, --to-offset',
        ],
        [
          ['--all-topics', '--to-earliest', '--to-latest'],
          'Option --to-earliest cannot be used with --to-latest',
        ],
        [['--to-earliest'], 'One of the reset scopes should be defined: --all-topics, --topic.'],
        [
          ['--all-topics', '--to-earliest', '--dry-run', '--execute'],
          'Option --reset-offsets only accepts one of --execute and --dry-run',
        ],
        [
          ['--all-topics', '--to-datetime', 'yesterday'],
          'Invalid --to-datetime "yesterday": expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone (Z, +02:00)',
        ],
      ];
      for (const [argv, message] of usage) {
        const r = await reset(...argv);
        assert.equal(r.code, 2, argv.join(' '));
        assert.equal(r.stderr.split('\n').at(-2), `samsa groups: ${message}`, argv.join(' '));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, CLI_BROKER);
});

test('groups --delete-offsets and --delete; usage errors', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await setUp(bs);
    const deleted = await samsa([
      'groups',
      '--delete-offsets',
      '--group',
      'billing',
      '--topic',
      'orders:1',
      ...bs,
    ]);
    assert.equal(
      ok(deleted),
      'Request succeed for deleting offsets with topic orders:1 group billing\n' +
        '\n' +
        'TOPIC                          PARTITION       STATUS         \n' +
        'orders                         1               Successful     \n',
    );
    assert.doesNotMatch(
      ok(await samsa(['groups', '--describe', '--group', 'billing', ...bs])),
      /orders +1 /,
    );
    const unknown = await samsa([
      'groups',
      '--delete-offsets',
      '--group',
      'billing',
      '--topic',
      'nope',
      ...bs,
    ]);
    assert.equal(unknown.code, 1);
    assert.equal(
      unknown.stderr,
      'samsa groups: Encounter some partition level error, see the follow-up details:\n',
    );
    assert.equal(
      unknown.stdout,
      '\nTOPIC                          PARTITION       STATUS         \n' +
        'nope                           Not Provided    Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n',
    );
    assert.equal(
      ok(await samsa(['groups', '--delete', '--group', 'billing', ...bs])),
      "Deletion of requested consumer groups ('billing') was successful.\n",
    );
    assert.equal(ok(await samsa(['groups', '--list', ...bs])), '');
    const gone = await samsa(['groups', '--delete', '--group', 'billing', ...bs]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /GroupIdNotFoundException: The group id does not exist\.\n$/);

    const usage: [string[], string][] = [
      [
        ['--list', '--describe'],
        'Command must include exactly one action: --list, --describe, --delete, --reset-offsets or --delete-offsets',
      ],
      [['--describe'], 'Option --describe takes one of these options: --group, --all-groups'],
      [
        ['--describe', '--group', 'g', '--members', '--state'],
        'Option --describe takes at most one of these options: --members, --offsets, --state',
      ],
      [
        ['--describe', '--group', 'g', '--state', 'stable'],
        'Option --describe does not take a value for --state',
      ],
      [
        ['--delete-offsets', '--group', 'g'],
        'Option --delete-offsets takes the following options: --group, --topic',
      ],
      [['--delete', '--group', 'g', '--topic', 't'], 'Option --topic cannot be used with --delete'],
      [
        ['--list', '--state', 'bogus'],
        "Invalid state list 'bogus'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling",
      ],
      [
        ['--list', '--type', 'share,old'],
        "Invalid types list 'share,old'. Valid types are: Consumer, Classic, Share",
      ],
      [
        ['--describe', '--group', 'g', '--all-groups'],
        'Option --group cannot be used with --all-groups',
      ],
      [
        ['--delete', '--group', 'g', '--output', 'json'],
        '--output json applies to --list, --describe and --reset-offsets, not --delete',
      ],
    ];
    for (const [argv, message] of usage) {
      const r = await samsa(['groups', ...argv, ...bs]);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.stderr, `samsa groups: ${message}\n`, argv.join(' '));
    }
  }, CLI_BROKER);
});
