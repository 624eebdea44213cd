// samsa configs against a live broker: kafka-configs.sh's describe layout (sources, synonyms)
// as golden text, --alter for topics, brokers, the broker default and consumer groups (Kafka
// 4.0's GROUP config resources) and users' SCRAM credentials (KIP-554), and their errors.
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseScramCredential } from '../../src/cli/commands/configs-users.js';
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
  assert.throws(
    () => parseAddConfig('retention.ms=1,SCRAM-SHA-256=[password=secret'),
    /^UsageError: Invalid entity config: the "\[" in the value of SCRAM-SHA-256 has no matching "\]"$/,
  );
});

test('SCRAM credentials parse as Kafka’s [iterations=N,]password=SECRET', () => {
  assert.deepEqual(parseScramCredential('SCRAM-SHA-256', 'iterations=8192,password=a,b=c'), {
    iterations: 8192,
    password: 'a,b=c',
  });
  assert.deepEqual(parseScramCredential('SCRAM-SHA-512', 'password=s'), {
    iterations: 4096,
    password: 's',
  });
  assert.deepEqual(parseScramCredential('SCRAM-SHA-512', 'iterations=-1,password=s'), {
    iterations: 4096,
    password: 's',
  });
  for (const bad of [
    'secret',
    'iterations=,password=s',
    'iterations=x,password=s',
    'iterations=99999999999,password=s',
  ]) {
    assert.throws(
      () => parseScramCredential('SCRAM-SHA-256', bad),
      (err: Error) =>
        err.name === 'UsageError' &&
        err.message ===
          'Invalid credential property SCRAM-SHA-256: expected SCRAM-SHA-256=[iterations=N,password=SECRET] or SCRAM-SHA-256=[password=SECRET]',
      bad,
    );
  }
  assert.throws(
    () => parseScramCredential('SCRAM-SHA-256', 'iterations=4095,password=s'),
    /^Error: Iterations 4095 is less than the minimum 4096 required for SCRAM-SHA-256$/,
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
    const clients = await samsa(['configs', '--describe', '--entity-type', 'clients', ...bs]);
    assert.equal(clients.code, 2);
    assert.match(
      clients.stderr,
      /clients is not supported by samsa configs yet: use topics, brokers, groups or users/,
    );
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

/** The credentials the broker keeps (never a password), from its metadata file. */
function storedCredentials(dataDir: string): {
  user: string;
  mechanism: number;
  iterations: number;
  salt: string;
  storedKey: string;
  serverKey: string;
}[] {
  const text = readFileSync(join(dataDir, '__samsa_metadata.json'), 'utf8');
  assert.ok(!text.includes('-secret'), 'no password reaches the broker');
  return (JSON.parse(text) as { scramCredentials?: ReturnType<typeof storedCredentials> })
    .scramCredentials!;
}

test('user SCRAM credentials: set, describe one user and every user, delete one mechanism', async () => {
  await withBroker(async ({ bootstrap, dataDir }) => {
    const bs = ['--bootstrap-server', bootstrap];
    assert.deepEqual(await samsa(['configs', '--describe', '--entity-type', 'users', ...bs]), {
      code: 0,
      stdout: '',
      stderr: '',
    });

    // Both mechanisms in one command (sent one by one: see alterUserScramCredentials).
    assert.deepEqual(
      await samsa([
        'configs',
        '--alter',
        '--add-config',
        'SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-secret]',
        '--entity-type',
        'users',
        '--entity-name',
        'alice',
        ...bs,
      ]),
      { code: 0, stdout: 'Completed updating config for user alice.\n', stderr: '' },
    );
    assert.deepEqual(
      await samsa([
        'configs',
        '--alter',
        '--user',
        'bob',
        '--add-config',
        'SCRAM-SHA-512=[iterations=16384,password=bob-secret]',
        ...bs,
      ]),
      { code: 0, stdout: 'Completed updating config for user bob.\n', stderr: '' },
    );

    // The salted password is PBKDF2 of the password: the broker's StoredKey and ServerKey
    // (RFC 5802) follow from the password, the salt and the iterations.
    const stored = storedCredentials(dataDir);
    assert.deepEqual(stored.map((c) => [c.user, c.mechanism, c.iterations]).sort(), [
      ['alice', 1, 8192],
      ['alice', 2, 4096],
      ['bob', 2, 16384],
    ]);
    for (const c of stored) {
      const [hash, length] = c.mechanism === 1 ? ['sha256', 32] : ['sha512', 64];
      const salted = pbkdf2Sync(
        `${c.user}-secret`,
        Buffer.from(c.salt, 'base64'),
        c.iterations,
        length,
        hash,
      );
      const clientKey = createHmac(hash, salted).update('Client Key').digest();
      assert.equal(c.storedKey, createHash(hash).update(clientKey).digest('base64'), c.user);
      assert.equal(c.serverKey, createHmac(hash, salted).update('Server Key').digest('base64'));
    }

    assert.deepEqual(
      await samsa([
        'configs',
        '--describe',
        '--entity-type',
        'users',
        '--entity-name',
        'alice',
        ...bs,
      ]),
      {
        code: 0,
        stdout:
          "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n",
        stderr: '',
      },
    );
    assert.deepEqual(await samsa(['configs', '--describe', '--entity-type', 'users', ...bs]), {
      code: 0,
      stdout:
        "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096\n" +
        "SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-512=iterations=16384\n",
      stderr: '',
    });
    const json = await samsa([
      'configs',
      '--describe',
      '--entity-type',
      'users',
      '--output',
      'json',
      ...bs,
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      {
        entityType: 'users',
        entityName: 'alice',
        scramCredentials: [
          { mechanism: 'SCRAM-SHA-256', iterations: 8192 },
          { mechanism: 'SCRAM-SHA-512', iterations: 4096 },
        ],
      },
      {
        entityType: 'users',
        entityName: 'bob',
        scramCredentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 16384 }],
      },
    ]);
    assert.deepEqual(
      JSON.parse(
        (await samsa(['configs', '--describe', '--user', 'bob', '--output', 'json', ...bs])).stdout,
      ),
      [
        {
          entityType: 'users',
          entityName: 'bob',
          scramCredentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 16384 }],
        },
      ],
    );

    assert.deepEqual(
      await samsa([
        'configs',
        '--alter',
        '--delete-config',
        'SCRAM-SHA-512',
        '--entity-type',
        'users',
        '--entity-name',
        'alice',
        ...bs,
      ]),
      { code: 0, stdout: 'Completed updating config for user alice.\n', stderr: '' },
    );
    assert.equal(
      (await samsa(['configs', '--describe', '--user', 'alice', ...bs])).stdout,
      "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192\n",
    );
    // Setting a mechanism again replaces it.
    const reset = await samsa([
      'configs',
      '--alter',
      '--user',
      'alice',
      '--add-config',
      'SCRAM-SHA-256=[password=alice-secret]',
      ...bs,
    ]);
    assert.equal(reset.code, 0, reset.stderr);
    assert.equal(
      (await samsa(['configs', '--describe', '--user', 'alice', ...bs])).stdout,
      "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=4096\n",
    );
  });
});

test('user SCRAM credential errors: one line, exit 1 from the broker, exit 2 for usage', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    const alterAlice = (...flags: string[]) =>
      samsa([
        'configs',
        '--alter',
        '--entity-type',
        'users',
        '--entity-name',
        'alice',
        ...flags,
        ...bs,
      ]);
    const failed = (code: number, message: string) => ({
      code,
      stdout: '',
      stderr: `samsa configs: ${message}\n`,
    });

    assert.deepEqual(
      await alterAlice('--add-config', 'SCRAM-SHA-256=[iterations=1024,password=alice-secret]'),
      failed(1, 'Iterations 1024 is less than the minimum 4096 required for SCRAM-SHA-256'),
    );
    assert.deepEqual(
      await alterAlice('--add-config', 'SCRAM-SHA-512=[iterations=20000,password=alice-secret]'),
      failed(
        1,
        'Cannot alter SCRAM credentials of user alice: Too many iterations (UNACCEPTABLE_CREDENTIAL)',
      ),
    );
    assert.deepEqual(
      await alterAlice('--delete-config', 'SCRAM-SHA-512'),
      failed(
        1,
        'Cannot alter SCRAM credentials of user alice: Attempt to delete a user credential that does not exist (RESOURCE_NOT_FOUND)',
      ),
    );
    assert.deepEqual(
      await samsa(['configs', '--describe', '--user', 'alice', ...bs]),
      failed(
        1,
        'Attempt to describe a user credential that does not exist: alice (RESOURCE_NOT_FOUND)',
      ),
    );
    // Two changes sent one by one: the second fails, and the message says what the first did.
    assert.deepEqual(
      await alterAlice(
        '--add-config',
        'SCRAM-SHA-256=[password=alice-secret],SCRAM-SHA-512=[iterations=20000,password=alice-secret]',
      ),
      failed(
        1,
        'Cannot set SCRAM-SHA-512 for user alice: Too many iterations (UNACCEPTABLE_CREDENTIAL); already done: set SCRAM-SHA-256',
      ),
    );
    // One mechanism set and deleted at once is Kafka's duplicate, sent as it is.
    assert.deepEqual(
      await alterAlice(
        '--add-config',
        'SCRAM-SHA-256=[password=alice-secret]',
        '--delete-config',
        'SCRAM-SHA-256',
      ),
      failed(
        1,
        'Cannot alter SCRAM credentials of user alice: A user credential cannot be altered twice in the same request (DUPLICATE_RESOURCE)',
      ),
    );

    assert.deepEqual(
      await alterAlice(
        '--add-config',
        'producer_byte_rate=1024,SCRAM-SHA-256=[password=alice-secret]',
      ),
      failed(
        2,
        'Client quotas are not supported yet: producer_byte_rate cannot be set for users (only SCRAM-SHA-256 and SCRAM-SHA-512 credentials)',
      ),
    );
    assert.deepEqual(
      await alterAlice('--delete-config', 'consumer_byte_rate'),
      failed(
        2,
        'Client quotas are not supported yet: consumer_byte_rate cannot be set for users (only SCRAM-SHA-256 and SCRAM-SHA-512 credentials)',
      ),
    );
    assert.deepEqual(
      await alterAlice('--add-config', 'SCRAM-SHA-256=[iterations=8192,password=alice-secret'),
      failed(2, 'Invalid entity config: the "[" in the value of SCRAM-SHA-256 has no matching "]"'),
    );
    assert.deepEqual(
      await alterAlice('--add-config', 'SCRAM-SHA-256=[iterations=many,password=alice-secret]'),
      failed(
        2,
        'Invalid credential property SCRAM-SHA-256: expected SCRAM-SHA-256=[iterations=N,password=SECRET] or SCRAM-SHA-256=[password=SECRET]',
      ),
    );
    assert.deepEqual(
      await alterAlice('--add-config', 'SCRAM-SHA-1=[password=alice-secret]'),
      failed(
        2,
        "Only SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: SCRAM-SHA-1",
      ),
    );
    assert.deepEqual(
      await alterAlice('--delete-config', 'retention.ms'),
      failed(
        2,
        "Only SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: retention.ms",
      ),
    );
    const withDefault = await samsa([
      'configs',
      '--alter',
      '--entity-type',
      'users',
      '--entity-default',
      '--add-config',
      'SCRAM-SHA-256=[password=alice-secret]',
      ...bs,
    ]);
    assert.deepEqual(
      withDefault,
      failed(
        2,
        'The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.',
      ),
    );
    const describeDefault = await samsa([
      'configs',
      '--describe',
      '--entity-type',
      'users',
      '--entity-default',
      ...bs,
    ]);
    assert.equal(describeDefault.code, 2);
    assert.match(describeDefault.stderr, /^samsa configs: Client quotas are not supported yet/);
    const noName = await samsa([
      'configs',
      '--alter',
      '--entity-type',
      'users',
      '--add-config',
      'SCRAM-SHA-256=[password=x]',
      ...bs,
    ]);
    assert.equal(noName.code, 2);
    assert.match(
      noName.stderr,
      /An entity-name or default entity must be specified with --alter of users/,
    );
    const mixed = await samsa([
      'configs',
      '--describe',
      '--user',
      'alice',
      '--entity-type',
      'users',
      ...bs,
    ]);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /should not be used in conjunction with specific entity flags/);

    assert.deepEqual(
      await samsa(['configs', '--describe', '--entity-type', 'users', ...bs]),
      {
        code: 0,
        stdout:
          "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=4096\n",
        stderr: '',
      },
      'no failed alter left a credential but the one it reported as done',
    );
  });
});

test('--entity-type completes groups and users, and --group completes group names', async () => {
  const bash = await samsa(['completion', 'bash']);
  assert.equal(bash.code, 0, bash.stderr);
  assert.match(
    bash.stdout,
    /configs:--entity-type\) COMPREPLY=\(\$\(compgen -W "topics brokers groups users"/,
  );
  assert.match(
    bash.stdout,
    /configs:--group\) COMPREPLY=\(\$\(compgen -W "\$\(__samsa_list groups\)"/,
  );
  const zsh = await samsa(['completion', 'zsh']);
  assert.equal(zsh.code, 0, zsh.stderr);
  assert.match(zsh.stdout, /topics brokers groups users/);
});
