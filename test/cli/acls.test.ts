// samsa acls: kafka-acls.sh's flags turned into ACL bindings and filters (no broker), then add,
// list and remove against a live broker with the standard authorizer, as golden text in Kafka's
// layout; the validation errors and their exit codes; SECURITY_DISABLED from a broker without one;
// and librdkafka's command lines through the interop stand-in for kafka-acls.sh.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArgs } from '../../src/cli/args.js';
import { HELP_FLAGS } from '../../src/cli/command.js';
import {
  aclCreations,
  aclsCommand,
  deleteFilters,
  describeRequest,
} from '../../src/cli/commands/acls.js';
import { parseOperation, planAcls, type AclsPlan } from '../../src/cli/commands/acls-args.js';
import {
  AclOperation,
  AclPermissionType,
  PatternType,
  ResourceType,
} from '../../src/metadata/acl-binding.js';
import { projectRoot } from '../../scripts/project-root.js';
import { withBroker } from '../support/broker.js';
import { assertCompiledBroker } from '../support/child-broker.js';
import { run } from '../support/run.js';
import { samsa } from './helpers.js';

const AUTHORIZER = {
  overrides: {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': true,
  },
};

function plan(...argv: string[]): AclsPlan {
  return planAcls(parseArgs(argv, [...aclsCommand.flags, ...HELP_FLAGS], 'acls'));
}

const { TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID, USER } = ResourceType;
const { LITERAL, PREFIXED, MATCH, ANY } = PatternType;
const { ALLOW, DENY } = AclPermissionType;
const op = AclOperation;

const topic = (name: string, patternType: number = LITERAL) => ({
  resourceType: TOPIC,
  name,
  patternType,
});
const allow = (principal: string, operation: number, host = '*') => ({
  principal,
  host,
  operation,
  permissionType: ALLOW,
});
const deny = (principal: string, operation: number, host = '*') => ({
  principal,
  host,
  operation,
  permissionType: DENY,
});
const CLUSTER_PATTERN = { resourceType: CLUSTER, name: 'kafka-cluster', patternType: LITERAL };

test('--add: principals × operations × hosts per resource, hosts defaulting to *', () => {
  const p = plan(
    '--add',
    '--allow-principal',
    'User:alice',
    '--allow-principal',
    'User:bob',
    '--allow-host',
    '10.0.0.1',
    '--deny-principal',
    'User:*',
    '--operation',
    'read',
    '--operation',
    'DESCRIBE',
    '--topic',
    'orders',
    '--topic',
    '*',
  );
  const entries = [
    allow('User:alice', op.READ, '10.0.0.1'),
    allow('User:alice', op.DESCRIBE, '10.0.0.1'),
    allow('User:bob', op.READ, '10.0.0.1'),
    allow('User:bob', op.DESCRIBE, '10.0.0.1'),
    deny('User:*', op.READ),
    deny('User:*', op.DESCRIBE),
  ];
  assert.deepEqual(p, {
    action: 'add',
    resources: [
      { pattern: topic('orders'), entries },
      { pattern: topic('*'), entries },
    ],
    listFilters: [topic('orders'), topic('*')],
  });
  assert.deepEqual(aclCreations({ pattern: topic('orders'), entries: [entries[4]!] }), [
    {
      resourceType: TOPIC,
      resourceName: 'orders',
      resourcePatternType: LITERAL,
      principal: 'User:*',
      host: '*',
      operation: op.READ,
      permissionType: DENY,
    },
  ]);
});

test('--add: the default operation is All; resources in Kafka’s order; prefixed names', () => {
  const p = plan(
    '--add',
    '--allow-principal',
    'User:alice',
    '--user-principal',
    'User:bob',
    '--group',
    'billing',
    '--cluster',
    '--transactional-id',
    'tx',
    '--topic',
    'orders',
  );
  assert.equal(p.action, 'add');
  assert.deepEqual(p.action === 'add' && p.resources.map((r) => [r.pattern, r.entries]), [
    [topic('orders'), [allow('User:alice', op.ALL)]],
    [CLUSTER_PATTERN, [allow('User:alice', op.ALL)]],
    [{ resourceType: GROUP, name: 'billing', patternType: LITERAL }, [allow('User:alice', op.ALL)]],
    [
      { resourceType: TRANSACTIONAL_ID, name: 'tx', patternType: LITERAL },
      [allow('User:alice', op.ALL)],
    ],
    [{ resourceType: USER, name: 'User:bob', patternType: LITERAL }, [allow('User:alice', op.ALL)]],
  ]);
  const prefixed = plan(
    '--add',
    '--allow-principal',
    'User:alice',
    '--operation',
    'Write',
    '--topic',
    'logs-',
    '--resource-pattern-type',
    'PREFIXED',
  );
  assert.deepEqual(prefixed.action === 'add' && prefixed.resources, [
    { pattern: topic('logs-', PREFIXED), entries: [allow('User:alice', op.WRITE)] },
  ]);
});

test('--producer and --consumer expand to the ACLs of those roles', () => {
  const producer = plan(
    '--add',
    '--producer',
    '--idempotent',
    '--allow-principal',
    'User:bob',
    '--topic',
    'orders',
    '--transactional-id',
    'tx',
  );
  assert.deepEqual(producer.action === 'add' && producer.resources, [
    {
      pattern: topic('orders'),
      entries: [
        allow('User:bob', op.WRITE),
        allow('User:bob', op.DESCRIBE),
        allow('User:bob', op.CREATE),
      ],
    },
    {
      pattern: { resourceType: TRANSACTIONAL_ID, name: 'tx', patternType: LITERAL },
      entries: [allow('User:bob', op.WRITE), allow('User:bob', op.DESCRIBE)],
    },
    { pattern: CLUSTER_PATTERN, entries: [allow('User:bob', op.IDEMPOTENT_WRITE)] },
  ]);
  const both = plan(
    '--add',
    '--producer',
    '--consumer',
    '--allow-principal',
    'User:carol',
    '--topic',
    'orders',
    '--group',
    'billing',
  );
  assert.deepEqual(both.action === 'add' && both.resources, [
    {
      pattern: topic('orders'),
      entries: [
        allow('User:carol', op.WRITE),
        allow('User:carol', op.DESCRIBE),
        allow('User:carol', op.CREATE),
        allow('User:carol', op.READ),
      ],
    },
    {
      pattern: { resourceType: GROUP, name: 'billing', patternType: LITERAL },
      entries: [allow('User:carol', op.READ)],
    },
  ]);
});

test('--remove: per-entry filters, or every ACL on the resource filter when no principal is named', () => {
  const all = plan('--remove', '--topic', 'orders', '--resource-pattern-type', 'any');
  assert.deepEqual(all, {
    action: 'remove',
    resources: [{ pattern: topic('orders', ANY), entries: [] }],
    listFilters: [topic('orders', ANY)],
    force: false,
  });
  assert.deepEqual(deleteFilters({ pattern: topic('orders', ANY), entries: [] }), [
    {
      resourceTypeFilter: TOPIC,
      resourceNameFilter: 'orders',
      patternTypeFilter: ANY,
      principalFilter: null,
      hostFilter: null,
      operation: op.ANY,
      permissionType: AclPermissionType.ANY,
    },
  ]);
  const some = plan(
    '--remove',
    '--force',
    '--allow-principal',
    'User:*',
    '--operation',
    'Describe',
    '--allow-host',
    '*',
    '--topic',
    'rdkafkatest',
  );
  assert.equal(some.action === 'remove' && some.force, true);
  assert.deepEqual(deleteFilters(some.action === 'remove' ? some.resources[0]! : null!), [
    {
      resourceTypeFilter: TOPIC,
      resourceNameFilter: 'rdkafkatest',
      patternTypeFilter: LITERAL,
      principalFilter: 'User:*',
      hostFilter: '*',
      operation: op.DESCRIBE,
      permissionType: ALLOW,
    },
  ]);
});

test('--list: resource filters (none: every ACL) and --principal', () => {
  assert.deepEqual(plan('--list'), { action: 'list', filters: [], principals: [] });
  assert.deepEqual(describeRequest(null), {
    resourceTypeFilter: ResourceType.ANY,
    resourceNameFilter: null,
    patternTypeFilter: ANY,
    principalFilter: null,
    hostFilter: null,
    operation: op.ANY,
    permissionType: AclPermissionType.ANY,
  });
  assert.deepEqual(
    plan(
      '--list',
      '--topic',
      'orders',
      '--cluster',
      '--resource-pattern-type',
      'match',
      '--principal',
      'User:alice',
    ),
    {
      action: 'list',
      filters: [topic('orders', MATCH), { ...CLUSTER_PATTERN, patternType: MATCH }],
      principals: ['User:alice'],
    },
  );
  assert.deepEqual(describeRequest(topic('orders', MATCH)), {
    resourceTypeFilter: TOPIC,
    resourceNameFilter: 'orders',
    patternTypeFilter: MATCH,
    principalFilter: null,
    hostFilter: null,
    operation: op.ANY,
    permissionType: AclPermissionType.ANY,
  });
});

test('operations are case-insensitive, as Kafka’s names', () => {
  assert.equal(parseOperation('ClusterAction'), op.CLUSTER_ACTION);
  assert.equal(parseOperation('CLUSTERACTION'), op.CLUSTER_ACTION);
  assert.equal(parseOperation('describeconfigs'), op.DESCRIBE_CONFIGS);
  assert.equal(parseOperation(' All '), op.ALL);
  assert.throws(
    () => parseOperation('Any'),
    /Invalid operation "Any": valid operations are Read, Write/,
  );
});

const USAGE_ERRORS: [argv: string[], message: string][] = [
  [['--topic', 'orders'], 'Command must include exactly one action: --list, --add or --remove'],
  [['--add', '--list'], 'Command must include exactly one action: --list, --add or --remove'],
  [
    ['--add', '--topic', 'orders'],
    'You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.',
  ],
  [
    ['--add', '--allow-principal', 'User:alice'],
    'You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>',
  ],
  [
    [
      '--add',
      '--allow-principal',
      'User:alice',
      '--topic',
      'orders',
      '--resource-pattern-type',
      'match',
    ],
    "A '--resource-pattern-type' value of 'MATCH' is not valid when adding acls.",
  ],
  [
    ['--list', '--resource-pattern-type', 'regex'],
    'Unknown resource-pattern-type: regex (expected literal, prefixed, match, any)',
  ],
  [
    [
      '--add',
      '--allow-principal',
      'User:alice',
      '--operation',
      'IdempotentWrite',
      '--topic',
      'orders',
    ],
    'ResourceType TOPIC only supports operations Read, Write, Create, Delete, Alter, Describe, DescribeConfigs, AlterConfigs, All',
  ],
  [
    ['--add', '--allow-principal', 'User:alice', '--operation', 'Read', '--cluster'],
    'ResourceType CLUSTER only supports operations Create, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All',
  ],
  [
    ['--add', '--allow-principal', 'User:alice', '--operation', 'Fly', '--topic', 'orders'],
    'Invalid operation "Fly": valid operations are Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, CreateTokens, DescribeTokens, All',
  ],
  [
    ['--add', '--allow-principal', 'alice', '--topic', 'orders'],
    'Invalid --allow-principal "alice": expected a string in format principalType:principalName, e.g. User:alice',
  ],
  [
    ['--list', '--allow-principal', 'User:alice'],
    'Option --allow-principal cannot be used with --list',
  ],
  [['--list', '--producer'], 'Option --producer cannot be used with --list'],
  [
    ['--add', '--producer', '--operation', 'Read', '--allow-principal', 'User:a', '--topic', 't'],
    'Option --operation cannot be used with --producer',
  ],
  [
    ['--add', '--consumer', '--deny-principal', 'User:a', '--topic', 't', '--group', 'g'],
    'Option --deny-principal cannot be used with --consumer',
  ],
  [
    ['--add', '--allow-principal', 'User:a', '--principal', 'User:a', '--topic', 't'],
    'The --principal option is only available if --list is set',
  ],
  [
    ['--add', '--producer', '--allow-principal', 'User:a', '--group', 'g'],
    'With --producer you must specify a --topic',
  ],
  [
    ['--add', '--idempotent', '--allow-principal', 'User:a', '--topic', 't'],
    'The --idempotent option is only available if --producer is set',
  ],
  [
    ['--add', '--consumer', '--allow-principal', 'User:a', '--topic', 't'],
    'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.',
  ],
  [
    [
      '--add',
      '--consumer',
      '--allow-principal',
      'User:a',
      '--topic',
      't',
      '--group',
      'g',
      '--cluster',
    ],
    'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.',
  ],
  [
    ['--add', '--allow-principal', 'User:a', '--cluster', '--resource-pattern-type', 'prefixed'],
    '--cluster cannot be used with --resource-pattern-type prefixed: the cluster resource has one literal name, kafka-cluster',
  ],
  [
    ['--add', '--allow-principal', 'User:a', '--topic', 't', '--output', 'json'],
    '--output json applies to --list, not --add or --remove',
  ],
];

test('command lines kafka-acls.sh refuses fail with its message and exit code 2, before connecting', async () => {
  for (const [argv, message] of USAGE_ERRORS) {
    // Port 1: nothing listens, so a check that let the command connect would fail differently.
    const result = await samsa(['acls', ...argv, '--bootstrap-server', '127.0.0.1:1']);
    assert.deepEqual(
      result,
      { code: 2, stdout: '', stderr: `samsa acls: ${message}\n` },
      argv.join(' '),
    );
  }
});

const ORDERS = '`ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`';
const ALL_TOPICS = '`ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL)`';

test('add, list and remove ACLs in kafka-acls.sh’s layout', async () => {
  await withBroker(async ({ bootstrap }) => {
    const acls = (...argv: string[]) => samsa(['acls', ...argv, '--bootstrap-server', bootstrap]);

    const added = await acls(
      '--add',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Read',
      '--operation',
      'Describe',
      '--topic',
      'orders',
    );
    assert.deepEqual(added, {
      code: 0,
      stdout:
        `Adding ACLs for resource ${ORDERS}: \n` +
        ' \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n' +
        '\t(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)\n' +
        '\n' +
        `Current ACLs for resource ${ORDERS}:\n` +
        '\t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n' +
        '\t(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)\n' +
        '\n',
      stderr: '',
    });

    const again = await acls(
      '--add',
      '--allow-principal',
      'User:alice',
      '--operation',
      'read',
      '--topic',
      'orders',
    );
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stdout.split('\n')[0],
      'Acl (pattern=ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL), entry=(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)) already exists.',
    );
    assert.doesNotMatch(again.stdout, /Adding ACLs/);

    const denied = await acls(
      '--add',
      '--deny-principal',
      'User:mallory',
      '--deny-host',
      '10.0.0.9',
      '--topic',
      '*',
    );
    assert.equal(denied.code, 0, denied.stderr);
    assert.equal(
      denied.stdout,
      `Adding ACLs for resource ${ALL_TOPICS}: \n` +
        ' \t(principal=User:mallory, host=10.0.0.9, operation=ALL, permissionType=DENY)\n\n' +
        `Current ACLs for resource ${ALL_TOPICS}:\n` +
        '\t(principal=User:mallory, host=10.0.0.9, operation=ALL, permissionType=DENY)\n\n',
    );
    await acls(
      '--add',
      '--allow-principal',
      'User:bob',
      '--operation',
      'Read',
      '--group',
      'billing',
    );

    const everything =
      `Current ACLs for resource ${ALL_TOPICS}:\n` +
      '\t(principal=User:mallory, host=10.0.0.9, operation=ALL, permissionType=DENY)\n\n' +
      `Current ACLs for resource ${ORDERS}:\n` +
      '\t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n' +
      '\t(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n' +
      'Current ACLs for resource `ResourcePattern(resourceType=GROUP, name=billing, patternType=LITERAL)`:\n' +
      '\t(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)\n\n';
    assert.deepEqual(await acls('--list'), { code: 0, stdout: everything, stderr: '' });

    assert.equal(
      (await acls('--list', '--topic', 'orders')).stdout,
      `Current ACLs for resource ${ORDERS}:\n` +
        '\t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n' +
        '\t(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n',
    );
    // match: every ACL that applies to topic orders, the wildcard's too.
    assert.equal(
      (await acls('--list', '--topic', 'orders', '--resource-pattern-type', 'match')).stdout,
      everything.slice(
        0,
        everything.indexOf('Current ACLs for resource `ResourcePattern(resourceType=GROUP'),
      ),
    );
    assert.equal(
      (await acls('--list', '--principal', 'User:bob', '--principal', 'User:mallory')).stdout,
      'ACLs for principal `User:bob`\n' +
        'Current ACLs for resource `ResourcePattern(resourceType=GROUP, name=billing, patternType=LITERAL)`:\n' +
        '\t(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)\n\n' +
        'ACLs for principal `User:mallory`\n' +
        `Current ACLs for resource ${ALL_TOPICS}:\n` +
        '\t(principal=User:mallory, host=10.0.0.9, operation=ALL, permissionType=DENY)\n\n',
    );
    assert.deepEqual(
      JSON.parse((await acls('--list', '--group', 'billing', '--output', 'json')).stdout),
      [
        {
          resourceType: 'GROUP',
          name: 'billing',
          patternType: 'LITERAL',
          acls: [{ principal: 'User:bob', host: '*', operation: 'READ', permissionType: 'ALLOW' }],
        },
      ],
    );

    // One entry removed: the rest of the resource's ACLs follow.
    const removedOne = await acls(
      '--remove',
      '--force',
      '--allow-principal',
      'User:alice',
      '--operation',
      'Read',
      '--topic',
      'orders',
    );
    assert.deepEqual(removedOne, {
      code: 0,
      stdout:
        `Current ACLs for resource ${ORDERS}:\n` +
        '\t(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n',
      stderr: '',
    });
    // No principal: every ACL on the resource; none left to show.
    assert.deepEqual(await acls('--remove', '--force', '--topic', 'orders', '--group', 'billing'), {
      code: 0,
      stdout: '',
      stderr: '',
    });
    assert.equal(
      (await acls('--list')).stdout,
      `Current ACLs for resource ${ALL_TOPICS}:\n` +
        '\t(principal=User:mallory, host=10.0.0.9, operation=ALL, permissionType=DENY)\n\n',
    );

    // On a terminal: the header bold, without Kafka's stray spaces.
    const tty = await samsa(
      [
        'acls',
        '--add',
        '--allow-principal',
        'User:eve',
        '--operation',
        'Write',
        '--topic',
        'tty',
        '--bootstrap-server',
        bootstrap,
      ],
      { tty: true },
    );
    assert.equal(
      tty.stdout.split('\n').slice(0, 3).join('\n'),
      '\u001b[1mAdding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=tty, patternType=LITERAL)`:\u001b[22m\n' +
        '\t(principal=User:eve, host=*, operation=WRITE, permissionType=ALLOW)\n',
    );
  }, AUTHORIZER);
});

test('prefixed resource patterns: added, matched and removed', async () => {
  await withBroker(async ({ bootstrap }) => {
    const acls = (...argv: string[]) => samsa(['acls', ...argv, '--bootstrap-server', bootstrap]);
    const LOGS = '`ResourcePattern(resourceType=TOPIC, name=logs-, patternType=PREFIXED)`';
    const added = await acls(
      '--add',
      '--allow-principal',
      'User:dave',
      '--operation',
      'Write',
      '--topic',
      'logs-',
      '--resource-pattern-type',
      'prefixed',
    );
    assert.deepEqual(added, {
      code: 0,
      stdout:
        `Adding ACLs for resource ${LOGS}: \n` +
        ' \t(principal=User:dave, host=*, operation=WRITE, permissionType=ALLOW)\n\n' +
        `Current ACLs for resource ${LOGS}:\n` +
        '\t(principal=User:dave, host=*, operation=WRITE, permissionType=ALLOW)\n\n',
      stderr: '',
    });
    const block = `Current ACLs for resource ${LOGS}:\n\t(principal=User:dave, host=*, operation=WRITE, permissionType=ALLOW)\n\n`;
    assert.equal(
      (await acls('--list', '--topic', 'logs-app', '--resource-pattern-type', 'match')).stdout,
      block,
    );
    assert.equal(
      (await acls('--list', '--topic', 'logs-')).stdout,
      '',
      'a literal filter does not match the prefix',
    );
    assert.equal(
      (await acls('--list', '--topic', 'logs-', '--resource-pattern-type', 'any')).stdout,
      block,
    );
    assert.deepEqual(
      await acls('--remove', '--force', '--topic', 'logs-', '--resource-pattern-type', 'any'),
      {
        code: 0,
        stdout: '',
        stderr: '',
      },
    );
    assert.equal((await acls('--list')).stdout, '');
  }, AUTHORIZER);
});

test('--producer and --consumer add the ACLs of those roles', async () => {
  await withBroker(
    async ({ bootstrap }) => {
      const acls = (...argv: string[]) => samsa(['acls', ...argv, '--bootstrap-server', bootstrap]);
      const producer = await acls(
        '--add',
        '--producer',
        '--idempotent',
        '--allow-principal',
        'User:bob',
        '--topic',
        'orders',
        '--transactional-id',
        'tx1',
      );
      const TX = '`ResourcePattern(resourceType=TRANSACTIONAL_ID, name=tx1, patternType=LITERAL)`';
      const CLUSTER_RESOURCE =
        '`ResourcePattern(resourceType=CLUSTER, name=kafka-cluster, patternType=LITERAL)`';
      assert.deepEqual(producer, {
        code: 0,
        stdout:
          `Adding ACLs for resource ${ORDERS}: \n` +
          ' \t(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW)\n' +
          '\t(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW)\n' +
          '\t(principal=User:bob, host=*, operation=CREATE, permissionType=ALLOW)\n\n' +
          `Adding ACLs for resource ${TX}: \n` +
          ' \t(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW)\n' +
          '\t(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n' +
          `Adding ACLs for resource ${CLUSTER_RESOURCE}: \n` +
          ' \t(principal=User:bob, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW)\n\n' +
          `Current ACLs for resource ${ORDERS}:\n` +
          '\t(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW)\n' +
          '\t(principal=User:bob, host=*, operation=CREATE, permissionType=ALLOW)\n' +
          '\t(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n' +
          `Current ACLs for resource ${CLUSTER_RESOURCE}:\n` +
          '\t(principal=User:bob, host=*, operation=IDEMPOTENT_WRITE, permissionType=ALLOW)\n\n' +
          `Current ACLs for resource ${TX}:\n` +
          '\t(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW)\n' +
          '\t(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n',
        stderr: '',
      });
      const consumer = await acls(
        '--add',
        '--consumer',
        '--allow-principal',
        'User:carol',
        '--topic',
        'orders',
        '--group',
        'billing',
      );
      assert.equal(consumer.code, 0, consumer.stderr);
      assert.equal(
        consumer.stdout.slice(0, consumer.stdout.indexOf('Current ACLs')),
        `Adding ACLs for resource ${ORDERS}: \n` +
          ' \t(principal=User:carol, host=*, operation=READ, permissionType=ALLOW)\n' +
          '\t(principal=User:carol, host=*, operation=DESCRIBE, permissionType=ALLOW)\n\n' +
          'Adding ACLs for resource `ResourcePattern(resourceType=GROUP, name=billing, patternType=LITERAL)`: \n' +
          ' \t(principal=User:carol, host=*, operation=READ, permissionType=ALLOW)\n\n',
      );
      // --remove --producer takes the producer's ACLs back, and only those.
      const removed = await acls(
        '--remove',
        '--force',
        '--producer',
        '--idempotent',
        '--allow-principal',
        'User:bob',
        '--topic',
        'orders',
        '--transactional-id',
        'tx1',
      );
      assert.equal(removed.code, 0, removed.stderr);
      assert.deepEqual(JSON.parse((await acls('--list', '--output', 'json')).stdout), [
        {
          resourceType: 'TOPIC',
          name: 'orders',
          patternType: 'LITERAL',
          acls: [
            { principal: 'User:carol', host: '*', operation: 'READ', permissionType: 'ALLOW' },
            { principal: 'User:carol', host: '*', operation: 'DESCRIBE', permissionType: 'ALLOW' },
          ],
        },
        {
          resourceType: 'GROUP',
          name: 'billing',
          patternType: 'LITERAL',
          acls: [
            { principal: 'User:carol', host: '*', operation: 'READ', permissionType: 'ALLOW' },
          ],
        },
      ]);
    },
    // An ACL on the cluster (IdempotentWrite) ends allow.everyone.if.no.acl.found there; the CLI's
    // own principal stays a super user so it may still describe and alter ACLs.
    { overrides: { ...AUTHORIZER.overrides, 'super.users': 'User:ANONYMOUS' } },
  );
});

test('--remove without --force asks first and reads the answer from stdin', async () => {
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsa(['acls', '--add', '--allow-principal', 'User:alice', '--topic', 'orders', ...bs]);
    const no = await samsa(['acls', '--remove', '--topic', 'orders', ...bs], { stdin: 'n\n' });
    assert.deepEqual(no, {
      code: 0,
      stdout:
        `Are you sure you want to delete all ACLs for resource filter ${ORDERS}? (y/n)\n` +
        `Current ACLs for resource ${ORDERS}:\n` +
        '\t(principal=User:alice, host=*, operation=ALL, permissionType=ALLOW)\n\n',
      stderr: '',
    });
    const unanswered = await samsa([
      'acls',
      '--remove',
      '--allow-principal',
      'User:alice',
      '--topic',
      'orders',
      ...bs,
    ]);
    assert.deepEqual(unanswered, {
      code: 1,
      stdout:
        'Are you sure you want to remove ACLs: \n' +
        ' \t(principal=User:alice, host=*, operation=ALL, permissionType=ALLOW)\n' +
        ` from resource filter ${ORDERS}? (y/n)\n`,
      stderr:
        'samsa acls: No answer to the question on stdin: add --force to remove without asking\n',
    });
    const yes = await samsa(
      ['acls', '--remove', '--allow-principal', 'User:alice', '--topic', 'orders', ...bs],
      {
        stdin: 'Y\n',
      },
    );
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(yes.stdout, /\? \(y\/n\)\n$/, 'nothing left to list');
    assert.equal((await samsa(['acls', '--list', ...bs])).stdout, '');
  }, AUTHORIZER);
});

test('a broker without an authorizer: SECURITY_DISABLED in one line, exit code 1', async () => {
  await withBroker(async ({ bootstrap }) => {
    const expected =
      'samsa acls: No Authorizer is configured. The broker manages ACLs only with an authorizer: set authorizer.class.name in its config. (SECURITY_DISABLED)\n';
    for (const argv of [
      ['--list'],
      ['--add', '--allow-principal', 'User:alice', '--topic', 'orders'],
      ['--remove', '--force', '--topic', 'orders'],
    ]) {
      const result = await samsa(['acls', ...argv, '--bootstrap-server', bootstrap]);
      assert.deepEqual(result, { code: 1, stdout: '', stderr: expected }, argv.join(' '));
    }
  });
});

test('interop/librdkafka/kafka/bin/kafka-acls.sh runs librdkafka’s command lines through samsa acls', async () => {
  assertCompiledBroker();
  const script = join(
    projectRoot(import.meta.url),
    'interop',
    'librdkafka',
    'kafka',
    'bin',
    'kafka-acls.sh',
  );
  await withBroker(async ({ bootstrap }) => {
    const kafkaAcls = async (...argv: string[]) => {
      const result = await run(script, ['--bootstrap-server', bootstrap, ...argv], {
        timeoutMs: 20_000,
        env: { PATH: process.env.PATH },
      });
      return { code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr };
    };
    const TEST =
      '`ResourcePattern(resourceType=TOPIC, name=rdkafkatest_0115, patternType=LITERAL)`';
    const denyAll = '(principal=User:*, host=*, operation=ALL, permissionType=DENY)';
    const add = (permission: string, operation: string) =>
      kafkaAcls(
        '--add',
        `--${permission}-principal`,
        'User:*',
        '--operation',
        operation,
        `--${permission}-host`,
        '*',
        '--topic',
        'rdkafkatest_0115',
      );
    assert.deepEqual(await add('deny', 'All'), {
      code: 0,
      stdout:
        `Adding ACLs for resource ${TEST}: \n \t${denyAll}\n\n` +
        `Current ACLs for resource ${TEST}:\n\t${denyAll}\n\n`,
      stderr: '',
    });
    assert.equal((await add('allow', 'Describe')).code, 0);
    const removed = await kafkaAcls(
      '--remove',
      '--force',
      '--allow-principal',
      'User:*',
      '--operation',
      'Describe',
      '--allow-host',
      '*',
      '--topic',
      'rdkafkatest_0115',
    );
    assert.deepEqual(removed, {
      code: 0,
      stdout: `Current ACLs for resource ${TEST}:\n\t${denyAll}\n\n`,
      stderr: '',
    });
  }, AUTHORIZER);
});
