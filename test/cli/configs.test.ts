// samsa configs against a live broker: kafka-configs.sh's describe layout (sources, synonyms)
// as golden text, --alter for topics, brokers, the broker default and consumer groups (Kafka
// 4.0's GROUP config resources), and its errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAddConfig } from '../../src/cli/commands/configs.js';
import { withBroker } from '../support/broker.js';
import { samsa } from './helpers.js';

/** Makes `group` a consumer group that ListGroups lists: it commits offsets for `topic`. */
async function commitOffset(bootstrap: string, group: string, topic: string): Promise<void> {
  const bs = ['--bootstrap-server', bootstrap];
  await samsa(['topics', '--create', '--if-not-exists', '--topic', topic, ...bs]);
  const reset = await samsa([
    'groups',
    '--reset-offsets',
    '--group',
    group,
    '--topic',
    topic,
    '--to-earliest',
    '--execute',
    ...bs,
  ]);
  assert.equal(reset.code, 0, reset.stderr);
}

test('--add-config splits on commas outside brackets, as Kafka does', () => {
  assert.deepEqual(parseAddConfig('retention.ms=1000,cleanup.policy=[compact,delete], x = y'), [
    { name: 'retention.ms', value: '1000' },
    { name: 'cleanup.policy', value: 'compact,delete' },
    { name: 'x', value: 'y' },
  ]);
  assert.throws(() => parseAddConfig('retention.ms'), /must be in the format "key=val"/);
  assert.throws(() => parseAddConfig('a=b=c'), /must be in the format "key=val"/);
  assert.throws(
    () => parseAddConfig('bad key!=1'),
    /Invalid character found for config key: bad key!/,
  );
});

test('describe and alter topic configs in Kafka’s layout', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa([
      'topics',
      '--create',
      '--topic',
      'orders',
      '--config',
      'retention.ms=1000',
      ...bs,
    ]);
    const described = await samsa([
      'configs',
      '--describe',
      '--entity-type',
      'topics',
      '--entity-name',
      'orders',
      ...bs,
    ]);
    assert.deepEqual(described, {
      code: 0,
      stdout:
        'Dynamic configs for topic orders are:\n' +
        '  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}\n',
      stderr: '',
    });

    const altered = await samsa([
      'configs',
      '--alter',
      '--topic',
      'orders',
      '--add-config',
      'cleanup.policy=[compact,delete],max.message.bytes=2000',
      ...bs,
    ]);
    assert.deepEqual(altered, {
      code: 0,
      stdout: 'Completed updating config for topic orders.\n',
      stderr: '',
    });
    const removed = await samsa([
      'configs',
      '--alter',
      '--topic',
      'orders',
      '--delete-config',
      'retention.ms',
      ...bs,
    ]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(
      (await samsa(['configs', '--describe', '--topic', 'orders', ...bs])).stdout,
      'Dynamic configs for topic orders are:\n' +
        '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}\n' +
        '  max.message.bytes=2000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:max.message.bytes=2000, DEFAULT_CONFIG:message.max.bytes=1048588}\n',
    );

    const all = await samsa(['configs', '--describe', '--all', '--topic', 'orders', ...bs]);
    const lines = all.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'All configs for topic orders are:');
    assert.ok(
      lines.includes(
        '  min.insync.replicas=1 sensitive=false synonyms={DEFAULT_CONFIG:min.insync.replicas=1}',
      ),
    );
    const names = lines.slice(1).map((l) => l.trim().split('=')[0]!);
    assert.deepEqual(names, [...names].sort(), 'sorted by name');

    const json = JSON.parse(
      (await samsa(['configs', '--describe', '--topic', 'orders', '--output', 'json', ...bs]))
        .stdout,
    ) as {
      entityType: string;
      entityName: string;
      configs: { name: string; value: string; source: string }[];
    }[];
    assert.equal(json[0]!.entityName, 'orders');
    assert.deepEqual(
      json[0]!.configs.map((c) => [c.name, c.value, c.source]),
      [
        ['cleanup.policy', 'compact,delete', 'DYNAMIC_TOPIC_CONFIG'],
        ['max.message.bytes', '2000', 'DYNAMIC_TOPIC_CONFIG'],
      ],
    );
  });
});

test('broker and broker-default configs; errors name the key', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    const setDefault = await samsa([
      'configs',
      '--alter',
      '--entity-type',
      'brokers',
      '--entity-default',
      '--add-config',
      'log.retention.ms=3600000',
      ...bs,
    ]);
    assert.deepEqual(setDefault, {
      code: 0,
      stdout: 'Completed updating default config for brokers in the cluster.\n',
      stderr: '',
    });
    const setOne = await samsa([
      'configs',
      '--alter',
      '--broker',
      '1',
      '--add-config',
      'log.cleaner.threads=2',
      ...bs,
    ]);
    assert.equal(setOne.stdout, 'Completed updating config for broker 1.\n');
    assert.equal(
      (await samsa(['configs', '--describe', '--entity-type', 'brokers', ...bs])).stdout,
      'Dynamic configs for broker 1 are:\n' +
        '  log.cleaner.threads=2 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.cleaner.threads=2, DEFAULT_CONFIG:log.cleaner.threads=1}\n' +
        'Default configs for brokers in the cluster are:\n' +
        '  log.retention.ms=3600000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=3600000}\n',
    );

    await samsa(['topics', '--create', '--topic', 'orders', ...bs]);
    const badValue = await samsa([
      'configs',
      '--alter',
      '--topic',
      'orders',
      '--add-config',
      'retention.ms=abc',
      ...bs,
    ]);
    assert.equal(badValue.code, 1);
    assert.match(
      badValue.stderr,
      /^samsa configs: Invalid value abc for configuration retention\.ms.*\(INVALID_CONFIG\)\n$/,
    );
    const badKey = await samsa([
      'configs',
      '--alter',
      '--topic',
      'orders',
      '--add-config',
      'no.such=1',
      ...bs,
    ]);
    assert.equal(badKey.code, 1);
    assert.match(badKey.stderr, /no\.such/);
    const notSet = await samsa([
      'configs',
      '--alter',
      '--topic',
      'orders',
      '--delete-config',
      'segment.ms',
      ...bs,
    ]);
    assert.deepEqual(notSet, {
      code: 1,
      stdout: '',
      stderr: 'samsa configs: Invalid config(s): segment.ms\n',
    });
    const unknown = await samsa(['configs', '--describe', '--topic', 'nope', ...bs]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Topic 'nope' does not exist/);

    const noAction = await samsa(['configs', '--topic', 'orders', ...bs]);
    assert.equal(noAction.code, 2);
    assert.match(noAction.stderr, /exactly one action: --describe or --alter/);
    const badBroker = await samsa([
      'configs',
      '--describe',
      '--entity-type',
      'brokers',
      '--entity-name',
      'one',
      ...bs,
    ]);
    assert.equal(badBroker.code, 2);
    assert.match(badBroker.stderr, /must be a valid integer broker id, but it is: one/);
    const nothing = await samsa(['configs', '--alter', '--topic', 'orders', ...bs]);
    assert.equal(nothing.code, 2);
    assert.match(
      nothing.stderr,
      /At least one of --add-config, --add-config-file, or --delete-config/,
    );
    const users = await samsa(['configs', '--describe', '--entity-type', 'users', ...bs]);
    assert.equal(users.code, 2);
    assert.match(users.stderr, /users is not supported by samsa configs yet/);
  });
});

test('group configs: describe, alter and delete as kafka-configs.sh --entity-type groups does', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    const describeBilling = (...flags: string[]) =>
      samsa([
        'configs',
        '--describe',
        ...flags,
        '--entity-type',
        'groups',
        '--entity-name',
        'billing',
        ...bs,
      ]);

    assert.deepEqual(await describeBilling(), {
      code: 0,
      stdout: 'Dynamic configs for group billing are:\n',
      stderr: '',
    });
    assert.deepEqual(await describeBilling('--all'), {
      code: 0,
      stdout:
        'All configs for group billing are:\n' +
        '  consumer.heartbeat.interval.ms=5000 sensitive=false synonyms={DEFAULT_CONFIG:consumer.heartbeat.interval.ms=5000}\n' +
        '  consumer.session.timeout.ms=45000 sensitive=false synonyms={DEFAULT_CONFIG:consumer.session.timeout.ms=45000}\n',
      stderr: '',
    });

    assert.deepEqual(
      await samsa([
        'configs',
        '--alter',
        '--entity-type',
        'groups',
        '--entity-name',
        'billing',
        '--add-config',
        'consumer.session.timeout.ms=50000',
        ...bs,
      ]),
      { code: 0, stdout: 'Completed updating config for group billing.\n', stderr: '' },
    );
    assert.deepEqual(await describeBilling(), {
      code: 0,
      stdout:
        'Dynamic configs for group billing are:\n' +
        '  consumer.session.timeout.ms=50000 sensitive=false synonyms={DYNAMIC_GROUP_CONFIG:consumer.session.timeout.ms=50000}\n',
      stderr: '',
    });
    assert.deepEqual(await describeBilling('--all'), {
      code: 0,
      stdout:
        'All configs for group billing are:\n' +
        '  consumer.heartbeat.interval.ms=5000 sensitive=false synonyms={DEFAULT_CONFIG:consumer.heartbeat.interval.ms=5000}\n' +
        '  consumer.session.timeout.ms=50000 sensitive=false synonyms={DYNAMIC_GROUP_CONFIG:consumer.session.timeout.ms=50000}\n',
      stderr: '',
    });

    const json = await samsa([
      'configs',
      '--describe',
      '--group',
      'billing',
      '--output',
      'json',
      ...bs,
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      {
        entityType: 'groups',
        entityName: 'billing',
        configs: [
          {
            name: 'consumer.session.timeout.ms',
            value: '50000',
            source: 'DYNAMIC_GROUP_CONFIG',
            sensitive: false,
            readOnly: false,
            synonyms: [
              {
                name: 'consumer.session.timeout.ms',
                value: '50000',
                source: 'DYNAMIC_GROUP_CONFIG',
              },
            ],
          },
        ],
      },
    ]);

    assert.deepEqual(
      await samsa([
        'configs',
        '--alter',
        '--group',
        'billing',
        '--delete-config',
        'consumer.session.timeout.ms',
        ...bs,
      ]),
      { code: 0, stdout: 'Completed updating config for group billing.\n', stderr: '' },
    );
    assert.equal(
      (await describeBilling()).stdout,
      'Dynamic configs for group billing are:\n',
      'the override is gone',
    );
  });
});

test('group configs without a name describe every consumer group, as ListGroups lists them', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    const none = await samsa(['configs', '--describe', '--entity-type', 'groups', ...bs]);
    assert.deepEqual(none, { code: 0, stdout: '', stderr: '' }, 'no groups, nothing printed');

    await commitOffset(bootstrap, 'payments', 'orders');
    await commitOffset(bootstrap, 'billing', 'orders');
    const set = await samsa([
      'configs',
      '--alter',
      '--group',
      'payments',
      '--add-config',
      'consumer.heartbeat.interval.ms=6000',
      ...bs,
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(await samsa(['configs', '--describe', '--entity-type', 'groups', ...bs]), {
      code: 0,
      stdout:
        'Dynamic configs for group billing are:\n' +
        'Dynamic configs for group payments are:\n' +
        '  consumer.heartbeat.interval.ms=6000 sensitive=false synonyms={DYNAMIC_GROUP_CONFIG:consumer.heartbeat.interval.ms=6000}\n',
      stderr: '',
    });
    const json = JSON.parse(
      (await samsa(['configs', '--describe', '--entity-type', 'groups', '--output', 'json', ...bs]))
        .stdout,
    ) as { entityType: string; entityName: string; configs: { name: string }[] }[];
    assert.deepEqual(
      json.map((d) => [d.entityType, d.entityName, d.configs.map((c) => c.name)]),
      [
        ['groups', 'billing', []],
        ['groups', 'payments', ['consumer.heartbeat.interval.ms']],
      ],
    );
  });
});

test('group config errors: one line, exit 1 from the broker, exit 2 for usage', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    const alter = (...flags: string[]) =>
      samsa(['configs', '--alter', '--entity-type', 'groups', ...flags, ...bs]);

    assert.deepEqual(await alter('--entity-name', 'billing', '--add-config', 'no.such=1'), {
      code: 1,
      stdout: '',
      stderr: 'samsa configs: Unknown group config name: no.such (INVALID_CONFIG)\n',
    });
    assert.deepEqual(
      await alter('--entity-name', 'billing', '--add-config', 'consumer.session.timeout.ms=70000'),
      {
        code: 1,
        stdout: '',
        stderr:
          'samsa configs: consumer.session.timeout.ms must be less than or equal to group.consumer.max.session.timeout.ms (INVALID_CONFIG)\n',
      },
    );
    assert.deepEqual(
      await alter('--entity-name', 'billing', '--add-config', 'consumer.heartbeat.interval.ms=abc'),
      {
        code: 1,
        stdout: '',
        stderr:
          'samsa configs: Invalid value abc for configuration consumer.heartbeat.interval.ms: Not a number of type INT (INVALID_CONFIG)\n',
      },
    );
    assert.deepEqual(
      await alter('--entity-name', 'billing', '--delete-config', 'consumer.session.timeout.ms'),
      {
        code: 1,
        stdout: '',
        stderr: 'samsa configs: Invalid config(s): consumer.session.timeout.ms\n',
      },
      'deleting a config the group does not set fails, as Kafka does',
    );

    const noName = await alter('--add-config', 'consumer.session.timeout.ms=50000');
    assert.equal(noName.code, 2);
    assert.match(
      noName.stderr,
      /^samsa configs: An entity name must be specified with --alter of groups\n/,
    );
    const emptyName = await alter(
      '--entity-name',
      '',
      '--add-config',
      'consumer.session.timeout.ms=50000',
    );
    assert.equal(emptyName.code, 2);
    assert.match(emptyName.stderr, /An entity name must be specified with --alter of groups/);
    const alterDefault = await alter(
      '--entity-default',
      '--add-config',
      'consumer.session.timeout.ms=50000',
    );
    assert.equal(alterDefault.code, 2);
    assert.match(alterDefault.stderr, /An entity name must be specified with --alter of groups/);
    const describeDefault = await samsa([
      'configs',
      '--describe',
      '--entity-type',
      'groups',
      '--entity-default',
      ...bs,
    ]);
    assert.equal(describeDefault.code, 2);
    assert.match(
      describeDefault.stderr,
      /^samsa configs: --entity-default must not be specified with --describe of groups\n/,
    );
    const mixed = await samsa([
      'configs',
      '--describe',
      '--group',
      'billing',
      '--entity-type',
      'groups',
      ...bs,
    ]);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /should not be used in conjunction with specific entity flags/);
    const alterJson = await alter(
      '--entity-name',
      'billing',
      '--add-config',
      'consumer.session.timeout.ms=50000',
      '--output',
      'json',
    );
    assert.equal(alterJson.code, 2);
    assert.match(alterJson.stderr, /--output json applies to --describe, not --alter/);

    assert.equal(
      (await samsa(['configs', '--describe', '--all', '--group', 'billing', ...bs])).stdout,
      'All configs for group billing are:\n' +
        '  consumer.heartbeat.interval.ms=5000 sensitive=false synonyms={DEFAULT_CONFIG:consumer.heartbeat.interval.ms=5000}\n' +
        '  consumer.session.timeout.ms=45000 sensitive=false synonyms={DEFAULT_CONFIG:consumer.session.timeout.ms=45000}\n',
      'no failed alter changed anything',
    );
  });
});

test('--entity-type completes groups, and --group completes group names', async () => {
  const bash = await samsa(['completion', 'bash']);
  assert.equal(bash.code, 0, bash.stderr);
  assert.match(
    bash.stdout,
    /configs:--entity-type\) COMPREPLY=\(\$\(compgen -W "topics brokers groups"/,
  );
  assert.match(
    bash.stdout,
    /configs:--group\) COMPREPLY=\(\$\(compgen -W "\$\(__samsa_list groups\)"/,
  );
  const zsh = await samsa(['completion', 'zsh']);
  assert.equal(zsh.code, 0, zsh.stderr);
  assert.match(zsh.stdout, /topics brokers groups/);
});
