// samsa topics against a live broker: kafka-topics.sh's layouts as golden text (tabs, the
// leading tab of partition lines, non-default configs only), its filters, and its errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withBroker } from '../support/broker.js';
import { maskTopicIds, samsa } from './helpers.js';

test('create, list, describe, alter and delete print kafka-topics.sh layouts', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    const created = await samsa([
      'topics',
      '--create',
      '--topic',
      'orders',
      '--partitions',
      '3',
      ...bs,
    ]);
    assert.deepEqual(created, { code: 0, stdout: 'Created topic orders.\n', stderr: '' });

    const dotted = await samsa([
      'topics',
      '--create',
      '--topic',
      'user.events',
      '--replication-factor',
      '1',
      '--config',
      'cleanup.policy=compact',
      '--config',
      'retention.ms = 1000',
      ...bs,
    ]);
    assert.equal(dotted.code, 0, dotted.stderr);
    assert.equal(
      dotted.stdout,
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n" +
        'Created topic user.events.\n',
    );

    assert.equal((await samsa(['topics', '--list', ...bs])).stdout, 'orders\nuser.events\n');
    assert.equal((await samsa(['topics', '--list', '--topic', 'ord.*', ...bs])).stdout, 'orders\n');

    const describe = await samsa(['topics', '--describe', ...bs]);
    assert.equal(describe.code, 0, describe.stderr);
    assert.equal(
      maskTopicIds(describe.stdout),
      [
        'Topic: orders\tTopicId: <id>\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: ',
        '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A',
        '\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A',
        '\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A',
        'Topic: user.events\tTopicId: <id>\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=1000',
        '\tTopic: user.events\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: N/A\tLastKnownElr: N/A',
        '',
      ].join('\n'),
    );

    // Only topics with overrides, and no partition lines.
    const overrides = await samsa(['topics', '--describe', '--topics-with-overrides', ...bs]);
    assert.equal(
      maskTopicIds(overrides.stdout),
      'Topic: user.events\tTopicId: <id>\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=1000\n',
    );
    // Partition filters print partition lines only: with min.insync.replicas=1 and one replica in
    // sync, every partition is at min ISR and none is under-replicated or unavailable.
    const atMin = await samsa([
      'topics',
      '--describe',
      '--topic',
      'orders',
      '--at-min-isr-partitions',
      ...bs,
    ]);
    assert.equal(
      atMin.stdout.split('\n').filter((l) => l.startsWith('\tTopic: orders\tPartition: ')).length,
      3,
    );
    assert.doesNotMatch(atMin.stdout, /^Topic:/m);
    for (const filter of [
      '--under-replicated-partitions',
      '--unavailable-partitions',
      '--under-min-isr-partitions',
    ]) {
      const none = await samsa(['topics', '--describe', filter, ...bs]);
      assert.deepEqual(none, { code: 0, stdout: '', stderr: '' }, filter);
    }

    const altered = await samsa([
      'topics',
      '--alter',
      '--topic',
      'orders',
      '--partitions',
      '5',
      ...bs,
    ]);
    assert.equal(altered.code, 0, altered.stderr);
    assert.equal(altered.stdout, '');
    assert.match(
      (await samsa(['topics', '--describe', '--topic', 'orders', ...bs])).stdout,
      /PartitionCount: 5[\s\S]*Partition: 4\t/,
    );

    const deleted = await samsa(['topics', '--delete', '--topic', 'user.events', ...bs]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, '');
    assert.equal((await samsa(['topics', '--list', ...bs])).stdout, 'orders\n');
  });
});

test('errors are one line on stderr with exit 1 (broker) or 2 (command line)', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa(['topics', '--create', '--topic', 'orders', '--partitions', '2', ...bs]);

    const exists = await samsa(['topics', '--create', '--topic', 'orders', ...bs]);
    assert.equal(exists.code, 1);
    assert.equal(
      exists.stderr,
      "samsa topics: Topic 'orders' already exists. (TOPIC_ALREADY_EXISTS)\n",
    );
    const quiet = await samsa([
      'topics',
      '--create',
      '--topic',
      'orders',
      '--if-not-exists',
      ...bs,
    ]);
    assert.deepEqual(quiet, { code: 0, stdout: '', stderr: '' });

    const unknown = await samsa(['topics', '--describe', '--topic', 'nope', ...bs]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^samsa topics: Topic 'nope' does not exist as expected/);
    assert.equal(unknown.stderr.split('\n').length, 2, 'one line');
    assert.equal(
      (await samsa(['topics', '--delete', '--topic', 'nope', '--if-exists', ...bs])).code,
      0,
    );

    const badKey = await samsa([
      'topics',
      '--create',
      '--topic',
      't',
      '--config',
      'no.such.config=1',
      ...bs,
    ]);
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /no\.such\.config/);
    const badValue = await samsa([
      'topics',
      '--create',
      '--topic',
      't',
      '--config',
      'retention.ms=soon',
      ...bs,
    ]);
    assert.equal(badValue.code, 1);
    assert.match(badValue.stderr, /Invalid value soon for configuration retention\.ms/);

    const shrink = await samsa([
      'topics',
      '--alter',
      '--topic',
      'orders',
      '--partitions',
      '1',
      ...bs,
    ]);
    assert.equal(shrink.code, 1);
    assert.match(shrink.stderr, /INVALID_PARTITIONS/);

    const noAction = await samsa(['topics', '--topic', 'orders', ...bs]);
    assert.equal(noAction.code, 2);
    assert.equal(
      noAction.stderr,
      'samsa topics: Command must include exactly one action: --create, --list, --describe, --alter or --delete\n',
    );
    const badFlag = await samsa(['topics', '--list', '--bogus', ...bs]);
    assert.equal(badFlag.code, 2);
    assert.equal(
      badFlag.stderr,
      'samsa topics: Unknown option --bogus. Run "samsa topics --help" for the options.\n',
    );
    const noTopic = await samsa(['topics', '--create', ...bs]);
    assert.equal(noTopic.code, 2);
    assert.match(noTopic.stderr, /Missing required option --topic for --create/);
    const badCount = await samsa([
      'topics',
      '--create',
      '--topic',
      'x',
      '--partitions',
      'many',
      ...bs,
    ]);
    assert.equal(badCount.code, 2);
    assert.match(badCount.stderr, /--partitions expects an integer, but got "many"/);
  });
});

test('--output json, aligned colour on a terminal, Kafka’s flag habits', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    // A unique prefix of a flag works, as in Kafka's tools; so does --flag=value.
    assert.equal(
      (
        await samsa([
          'topics',
          '--create',
          '--topic=orders',
          '--partitions=2',
          `--bootstrap=${bootstrap}`,
        ])
      ).code,
      0,
    );
    assert.deepEqual(
      JSON.parse((await samsa(['topics', '--list', '--output', 'json', ...bs])).stdout),
      ['orders'],
    );
    const described = JSON.parse(
      (await samsa(['topics', '--describe', '--output', 'json', ...bs])).stdout,
    ) as {
      name: string;
      partitionCount: number;
      configs: Record<string, string>;
      partitions: { partition: number; leader: number; replicas: number[]; isr: number[] }[];
    }[];
    assert.equal(described.length, 1);
    assert.equal(described[0]!.name, 'orders');
    assert.equal(described[0]!.partitionCount, 2);
    assert.deepEqual(described[0]!.partitions[1], {
      partition: 1,
      leader: 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
    });

    const tty = await samsa(['topics', '--describe', ...bs], { tty: true });
    assert.match(tty.stdout, /\u001b\[/, 'coloured on a terminal');
    assert.doesNotMatch(tty.stdout, /\t/, 'aligned with spaces, not tabs');
    const plain = tty.stdout
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .filter((l) => l.startsWith('    '));
    assert.equal(plain.length, 2);
    assert.equal(plain[0]!.indexOf('Leader:'), plain[1]!.indexOf('Leader:'));
    const noColour = await samsa(['topics', '--describe', ...bs], {
      tty: true,
      env: { NO_COLOR: '1' },
    });
    assert.doesNotMatch(noColour.stdout, /\u001b\[/, 'NO_COLOR is respected');
  });
});
