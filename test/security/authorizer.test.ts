// The built-in authorizer's rules (Kafka's StandardAuthorizer), its ACL filters and validation,
// over a real metadata store on disk (ACLs survive a reopen).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import {
  AclOperation as Op,
  AclPermissionType as Perm,
  PatternType,
  ResourceType,
  type AclBinding,
} from '../../src/metadata/acl-binding.js';
import { LocalMetadataStore } from '../../src/metadata/local-metadata-store.js';
import type { AclBindingFilter } from '../../src/security/acl-filter.js';
import { Authorizer } from '../../src/security/authorizer.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'samsa-acl-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };

function acl(fields: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders',
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: Op.READ,
    permissionType: Perm.ALLOW,
    ...fields,
  };
}

const ANY_FILTER: AclBindingFilter = {
  resourceType: ResourceType.ANY,
  resourceName: null,
  patternType: PatternType.ANY,
  principal: null,
  host: null,
  operation: Op.ANY,
  permissionType: Perm.ANY,
};

async function authorizerWith(
  acls: AclBinding[],
  options: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean } = {},
): Promise<Authorizer> {
  const authorizer = new Authorizer(LocalMetadataStore.open([dir], 1), {
    superUsers: options.superUsers ?? [],
    allowEveryoneIfNoAclFound: options.allowEveryoneIfNoAclFound ?? false,
  });
  const results = await authorizer.createAcls(acls);
  assert.deepEqual(
    results,
    acls.map(() => null),
  );
  return authorizer;
}

test('without ACLs, allow.everyone.if.no.acl.found decides; super users always pass', async () => {
  const closed = await authorizerWith([], { superUsers: ['User:admin'] });
  assert.equal(closed.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders'), false);
  assert.equal(
    closed.authorize(
      { principal: 'User:admin', host: '1.2.3.4' },
      Op.ALTER,
      ResourceType.CLUSTER,
      'kafka-cluster',
    ),
    true,
  );
  rmSync(dir, { recursive: true, force: true });
  const open = await authorizerWith([], { allowEveryoneIfNoAclFound: true });
  assert.equal(open.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders'), true);
});

test('an ACL on a resource denies everyone it does not allow, even with allow.everyone', async () => {
  const authorizer = await authorizerWith([acl({})], { allowEveryoneIfNoAclFound: true });
  assert.equal(authorizer.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders'), true);
  assert.equal(authorizer.authorize(bob, Op.READ, ResourceType.TOPIC, 'orders'), false);
  assert.equal(authorizer.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'orders'), false);
  // Other resources have no ACL: allow.everyone applies.
  assert.equal(authorizer.authorize(bob, Op.WRITE, ResourceType.TOPIC, 'payments'), true);
  assert.equal(authorizer.authorize(bob, Op.READ, ResourceType.GROUP, 'orders'), true);
});

test('DENY wins over ALLOW, and ALL covers every operation', async () => {
  const authorizer = await authorizerWith([
    acl({ operation: Op.ALL }),
    acl({ principal: 'User:*', operation: Op.WRITE, permissionType: Perm.DENY }),
  ]);
  assert.equal(authorizer.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders'), true);
  assert.equal(authorizer.authorize(alice, Op.ALTER_CONFIGS, ResourceType.TOPIC, 'orders'), true);
  assert.equal(authorizer.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'orders'), false);
});

test('READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS', async () => {
  for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
    const authorizer = await authorizerWith([acl({ operation: op })]);
    assert.equal(authorizer.authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders'), true);
    await authorizer.deleteAcls([ANY_FILTER]);
  }
  const configs = await authorizerWith([acl({ operation: Op.ALTER_CONFIGS })]);
  assert.equal(configs.authorize(alice, Op.DESCRIBE_CONFIGS, ResourceType.TOPIC, 'orders'), true);
  assert.equal(configs.authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders'), false);
  // A DENY of READ does not deny DESCRIBE.
  await configs.deleteAcls([ANY_FILTER]);
  const denyRead = await authorizerWith([
    acl({ operation: Op.DESCRIBE }),
    acl({ operation: Op.READ, permissionType: Perm.DENY }),
  ]);
  assert.equal(denyRead.authorize(alice, Op.DESCRIBE, ResourceType.TOPIC, 'orders'), true);
  assert.equal(denyRead.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders'), false);
});

test('wildcard and prefixed resources, wildcard principals and hosts apply', async () => {
  const authorizer = await authorizerWith([
    acl({ resourceName: '*', principal: 'User:*', operation: Op.DESCRIBE }),
    acl({ resourceName: 'sales-', patternType: PatternType.PREFIXED, operation: Op.WRITE }),
    acl({ resourceName: 'audit', host: '10.0.0.9', operation: Op.READ }),
  ]);
  assert.equal(authorizer.authorize(bob, Op.DESCRIBE, ResourceType.TOPIC, 'anything'), true);
  assert.equal(authorizer.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'sales-eu'), true);
  assert.equal(authorizer.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'sale'), false);
  assert.equal(authorizer.authorize(alice, Op.READ, ResourceType.TOPIC, 'audit'), false);
  assert.equal(
    authorizer.authorize(
      { principal: 'User:alice', host: '10.0.0.9' },
      Op.READ,
      ResourceType.TOPIC,
      'audit',
    ),
    true,
  );
});

test('authorizedOperations sets one bit per allowed operation', async () => {
  const authorizer = await authorizerWith([acl({ operation: Op.READ })]);
  const bits = authorizer.authorizedOperations(alice, ResourceType.TOPIC, 'orders', [
    Op.READ,
    Op.WRITE,
    Op.DESCRIBE,
  ]);
  assert.equal(bits, (1 << Op.READ) | (1 << Op.DESCRIBE));
});

test('filters: ANY, MATCH, LITERAL and PREFIXED select as Kafka does', async () => {
  const literal = acl({});
  const wildcard = acl({ resourceName: '*' });
  const prefixed = acl({ resourceName: 'ord', patternType: PatternType.PREFIXED });
  const group = acl({ resourceType: ResourceType.GROUP, resourceName: 'orders' });
  const authorizer = await authorizerWith([literal, wildcard, prefixed, group]);
  const names = (filter: Partial<AclBindingFilter>) =>
    authorizer
      .describeAcls({ ...ANY_FILTER, ...filter })
      .map((a) => `${a.resourceType}:${a.resourceName}:${a.patternType}`);
  assert.equal(names({}).length, 4);
  assert.deepEqual(names({ resourceType: ResourceType.TOPIC, resourceName: 'orders' }), [
    '2:orders:3',
  ]);
  assert.deepEqual(
    names({
      resourceType: ResourceType.TOPIC,
      resourceName: 'orders',
      patternType: PatternType.MATCH,
    }),
    ['2:orders:3', '2:*:3', '2:ord:4'],
  );
  assert.deepEqual(names({ patternType: PatternType.PREFIXED }), ['2:ord:4']);
  assert.deepEqual(names({ principal: 'User:bob' }), []);
  assert.throws(() => authorizer.describeAcls({ ...ANY_FILTER, operation: Op.UNKNOWN }), {
    name: 'KafkaError',
    errorCode: 42,
  });
});

test('CreateAcls refuses bindings Kafka refuses, one result each, and stores the rest once', async () => {
  const authorizer = await authorizerWith([]);
  const results = await authorizer.createAcls([
    acl({ resourceType: ResourceType.ANY }),
    acl({ patternType: PatternType.MATCH }),
    acl({ operation: Op.ANY }),
    acl({ permissionType: Perm.ANY }),
    acl({ principal: 'alice' }),
    acl({ resourceName: '' }),
    acl({ resourceType: ResourceType.CLUSTER, resourceName: 'other' }),
    acl({}),
    acl({}),
  ]);
  assert.deepEqual(
    results.map((r) => r?.errorCode ?? 0),
    [42, 42, 42, 42, 42, 42, 42, 0, 0],
  );
  assert.match(results[4]!.message, /Could not parse principal/);
  assert.match(results[6]!.message, /kafka-cluster/);
  assert.equal(authorizer.describeAcls(ANY_FILTER).length, 1);
});

test('DeleteAcls removes what each filter selects, reports it once, and survives a reopen', async () => {
  const authorizer = await authorizerWith([
    acl({}),
    acl({ operation: Op.WRITE }),
    acl({ resourceName: 'payments' }),
  ]);
  const results = await authorizer.deleteAcls([
    { ...ANY_FILTER, resourceName: 'orders' },
    { ...ANY_FILTER, operation: Op.WRITE },
    { ...ANY_FILTER, permissionType: Perm.UNKNOWN },
  ]);
  assert.equal('acls' in results[0]! && results[0].acls.length, 2);
  assert.equal('acls' in results[1]! && results[1].acls.length, 0);
  assert.equal('error' in results[2]! && results[2].error.errorCode, 42);
  assert.equal(authorizer.authorize(alice, Op.READ, ResourceType.TOPIC, 'orders'), false);
  const reopened = new Authorizer(LocalMetadataStore.open([dir], 1), {
    superUsers: [],
    allowEveryoneIfNoAclFound: false,
  });
  assert.deepEqual(
    reopened.describeAcls(ANY_FILTER).map((a) => a.resourceName),
    ['payments'],
  );
  assert.equal(reopened.authorize(alice, Op.READ, ResourceType.TOPIC, 'payments'), true);
});

test('authorizeByResourceType: an ALLOW on some topic not covered by a DENY is enough', async () => {
  const authorizer = await authorizerWith([
    acl({ operation: Op.WRITE }),
    acl({
      resourceName: 'ord',
      patternType: PatternType.PREFIXED,
      operation: Op.WRITE,
      permissionType: Perm.DENY,
    }),
  ]);
  // The only ALLOW (orders) is covered by the PREFIXED DENY on "ord".
  assert.equal(authorizer.authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), false);
  await authorizer.createAcls([acl({ resourceName: 'payments', operation: Op.WRITE })]);
  assert.equal(authorizer.authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), true);
  assert.equal(authorizer.authorizeByResourceType(bob, Op.WRITE, ResourceType.TOPIC), false);
  await authorizer.createAcls([
    acl({ resourceName: '*', principal: 'User:*', operation: Op.WRITE, permissionType: Perm.DENY }),
  ]);
  assert.equal(authorizer.authorizeByResourceType(alice, Op.WRITE, ResourceType.TOPIC), false);
});

test('prefixed ACLs of several lengths each apply to the names they start', async () => {
  const authorizer = await authorizerWith([
    acl({ resourceName: 'a', patternType: PatternType.PREFIXED, operation: Op.READ }),
    acl({ resourceName: 'ab-', patternType: PatternType.PREFIXED, operation: Op.WRITE }),
    acl({
      resourceName: 'ab-long-prefix-',
      patternType: PatternType.PREFIXED,
      operation: Op.WRITE,
      permissionType: Perm.DENY,
    }),
  ]);
  assert.equal(authorizer.authorize(alice, Op.READ, ResourceType.TOPIC, 'ab-x'), true);
  assert.equal(authorizer.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'ab-x'), true);
  assert.equal(
    authorizer.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'ab-long-prefix-1'),
    false,
  );
  assert.equal(authorizer.authorize(alice, Op.WRITE, ResourceType.TOPIC, 'ab'), false);
  assert.equal(authorizer.authorize(alice, Op.READ, ResourceType.TOPIC, 'b'), false);
});
