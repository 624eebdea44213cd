// SCRAM credentials through the wire (DescribeUserScramCredentials, AlterUserScramCredentials v0):
// upsert, describe, delete, each per-user error Kafka gives, the keys kept instead of the salted
// password, and credentials surviving a restart.
import assert from 'node:assert/strict';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { startBroker } from '../../support/broker.js';
import { withBroker } from './support.js';
import { WireClient } from './wire-client.js';

const SHA_256 = 1;
const SHA_512 = 2;
const code = ErrorCodes;

function upsertion(name: string, mechanism = SHA_256, iterations = 8192) {
  const salt = Buffer.from(`salt-of-${name}`);
  const hash = mechanism === SHA_512 ? 'sha512' : 'sha256';
  const saltedPassword = pbkdf2Sync('s3cret', salt, iterations, hash === 'sha512' ? 64 : 32, hash);
  return { name, mechanism, iterations, salt, saltedPassword };
}

async function describe(client: WireClient, users: string[] | null) {
  const res = await client.send(Apis.DescribeUserScramCredentials, 0, {
    users: users?.map((name) => ({ name })) ?? null,
  });
  assert.equal(res.errorCode, 0);
  return res.results.map((r) => [
    r.user,
    r.errorCode,
    r.credentialInfos.map((c) => [c.mechanism, c.iterations]),
  ]);
}

test('credentials are upserted, described, deleted, and survive a restart as keys only', async () => {
  const broker = await startBroker();
  let client = await WireClient.connect(broker.port);
  try {
    assert.deepEqual(await describe(client, ['alice']), [
      ['alice', code.RESOURCE_NOT_FOUND.code, []],
    ]);
    const altered = await client.send(Apis.AlterUserScramCredentials, 0, {
      deletions: [],
      upsertions: [upsertion('alice'), upsertion('bob', SHA_512, 4096)],
    });
    assert.deepEqual(
      altered.results.map((r) => [r.user, r.errorCode, r.errorMessage]),
      [
        ['alice', 0, null],
        ['bob', 0, null],
      ],
    );
    assert.deepEqual(await describe(client, null), [
      ['alice', 0, [[SHA_256, 8192]]],
      ['bob', 0, [[SHA_512, 4096]]],
    ]);
    // The metadata keeps RFC 5802's StoredKey and ServerKey, never the salted password.
    const stored = JSON.parse(
      readFileSync(join(broker.dataDir, '__samsa_metadata.json'), 'utf8'),
    ) as { scramCredentials: { user: string; storedKey: string; serverKey: string }[] };
    const alice = upsertion('alice');
    const clientKey = createHmac('sha256', alice.saltedPassword).update('Client Key').digest();
    const aliceStored = stored.scramCredentials.find((c) => c.user === 'alice')!;
    assert.equal(aliceStored.storedKey, createHash('sha256').update(clientKey).digest('base64'));
    assert.equal(
      aliceStored.serverKey,
      createHmac('sha256', alice.saltedPassword).update('Server Key').digest('base64'),
    );
    assert.ok(!JSON.stringify(stored).includes(alice.saltedPassword.toString('base64')));

    client.close();
    await broker.stop({ keepData: true });
    const again = await startBroker({ dataDir: broker.dataDir });
    client = await WireClient.connect(again.port);
    try {
      assert.deepEqual(await describe(client, ['bob']), [['bob', 0, [[SHA_512, 4096]]]]);
      const deleted = await client.send(Apis.AlterUserScramCredentials, 0, {
        deletions: [{ name: 'bob', mechanism: SHA_512 }],
        upsertions: [],
      });
      assert.equal(deleted.results[0]?.errorCode, 0);
      assert.deepEqual(await describe(client, ['bob']), [
        ['bob', code.RESOURCE_NOT_FOUND.code, []],
      ]);
    } finally {
      client.close();
      await again.stop();
    }
  } finally {
    client.close();
    await broker.stop().catch(() => undefined);
  }
});

test('each bad change gets Kafka per-user error and the valid ones still apply', async () => {
  await withBroker(async (client) => {
    const res = await client.send(Apis.AlterUserScramCredentials, 0, {
      deletions: [
        { name: 'ghost', mechanism: SHA_256 },
        { name: 'twice', mechanism: SHA_256 },
      ],
      upsertions: [
        upsertion('twice'),
        upsertion('', SHA_256),
        upsertion('weak', SHA_256, 1000),
        upsertion('slow', SHA_256, 20000),
        { ...upsertion('odd'), mechanism: 9 },
        upsertion('fine'),
      ],
    });
    assert.deepEqual(
      res.results.map((r) => [r.user, r.errorCode, r.errorMessage]),
      [
        [
          'ghost',
          code.RESOURCE_NOT_FOUND.code,
          'Attempt to delete a user credential that does not exist',
        ],
        [
          'twice',
          code.DUPLICATE_RESOURCE.code,
          'A user credential cannot be altered twice in the same request',
        ],
        ['', code.UNACCEPTABLE_CREDENTIAL.code, 'Username must not be empty'],
        ['weak', code.UNACCEPTABLE_CREDENTIAL.code, 'Too few iterations'],
        ['slow', code.UNACCEPTABLE_CREDENTIAL.code, 'Too many iterations'],
        ['odd', code.UNSUPPORTED_SASL_MECHANISM.code, 'Unknown SCRAM mechanism'],
        ['fine', 0, null],
      ],
    );
    assert.deepEqual(await describe(client, null), [['fine', 0, [[SHA_256, 8192]]]]);
    assert.deepEqual(await describe(client, ['fine', 'fine']), [
      ['fine', code.DUPLICATE_RESOURCE.code, []],
    ]);
  });
});

test('without ALTER / DESCRIBE on the cluster the SCRAM APIs are refused', async () => {
  await withBroker(
    async (client) => {
      const acl = await client.send(Apis.CreateAcls, 3, {
        creations: [
          {
            resourceType: 4,
            resourceName: 'kafka-cluster',
            resourcePatternType: 3,
            principal: 'User:*',
            host: '*',
            operation: 2,
            permissionType: 2,
          },
        ],
      });
      assert.equal(acl.results[0]?.errorCode, 0);
      const altered = await client.send(Apis.AlterUserScramCredentials, 0, {
        deletions: [],
        upsertions: [upsertion('alice')],
      });
      assert.equal(altered.results[0]?.errorCode, code.CLUSTER_AUTHORIZATION_FAILED.code);
      const described = await client.send(Apis.DescribeUserScramCredentials, 0, { users: null });
      assert.equal(described.errorCode, code.CLUSTER_AUTHORIZATION_FAILED.code);
    },
    {
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'allow.everyone.if.no.acl.found': true,
    },
  );
});
