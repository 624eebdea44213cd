// ACLs driven by real clients against an in-process broker with the built-in authorizer:
// KafkaJS 2.2.4's admin (CreateAcls v1, DescribeAcls v1, DeleteAcls v1) and @platformatic/kafka
// 1.x's (v3 of each) create, list and delete ACLs, and KafkaJS's producer and consumer meet
// TOPIC_AUTHORIZATION_FAILED on a denied topic while an open one works. librdkafka meets the same
// checks in its own suite (0081, 0109, 0115, 0119).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type TestBroker } from '../../support/broker.js';

const AUTHORIZER = {
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'allow.everyone.if.no.acl.found': true,
};
const TOPIC = 2;
const LITERAL = 3;
const ANY = 1;
const ALL = 2;
const READ = 3;
const DENY = 2;
const ALLOW = 3;

async function withBroker(fn: (broker: TestBroker) => Promise<void>): Promise<void> {
  const broker = await startBroker({ overrides: AUTHORIZER });
  try {
    await fn(broker);
  } finally {
    await broker.stop();
  }
}

function kafkajs(broker: TestBroker): Kafka {
  return new Kafka({
    clientId: 'kafkajs-acls-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

/** The Kafka error type behind a KafkaJS error (retry wrappers keep it in `cause`). */
function errorType(err: unknown): string {
  const e = err as { type?: string; cause?: unknown };
  if (e.type !== undefined) return e.type;
  if (e.cause !== undefined) return errorType(e.cause);
  return String(err);
}

test('KafkaJS: ACLs are created and listed, a denied topic refuses producers and offset lookups and leaves all-topics metadata, deleting the ACL lets them in', async () => {
  await withBroker(async (broker) => {
    const client = kafkajs(broker);
    const admin = client.admin();
    await admin.connect();
    // KafkaJS refreshes metadata for every topic a producer has used, and a denied topic in that
    // refresh fails the send: each step gets a producer of its own.
    const send = async (topic: string, value: string): Promise<void> => {
      const producer = client.producer();
      await producer.connect();
      try {
        await producer.send({ topic, messages: [{ value }] });
      } finally {
        await producer.disconnect();
      }
    };
    try {
      await admin.createTopics({ topics: [{ topic: 'secret' }, { topic: 'open' }] });
      await send('secret', 'before the ACL');
      await admin.createAcls({
        acl: [
          {
            resourceType: TOPIC,
            resourceName: 'secret',
            resourcePatternType: LITERAL,
            principal: 'User:*',
            host: '*',
            operation: ALL,
            permissionType: DENY,
          },
        ],
      });
      const listed = await admin.describeAcls({
        resourceType: ANY,
        resourcePatternType: ANY,
        operation: ANY,
        permissionType: ANY,
      });
      assert.deepEqual(listed.resources, [
        {
          resourceType: TOPIC,
          resourceName: 'secret',
          resourcePatternType: LITERAL,
          acls: [{ principal: 'User:*', host: '*', operation: ALL, permissionType: DENY }],
        },
      ]);

      await send('open', 'fine');
      await assert.rejects(
        send('secret', 'denied'),
        (err) => errorType(err) === 'TOPIC_AUTHORIZATION_FAILED',
      );
      const metadata = await admin.fetchTopicMetadata();
      assert.deepEqual(
        metadata.topics.map((t) => t.name),
        ['open'],
        'all-topics metadata hides the denied topic',
      );
      await assert.rejects(
        admin.fetchTopicOffsets('secret'),
        (err) => errorType(err) === 'TOPIC_AUTHORIZATION_FAILED',
      );

      const deleted = await admin.deleteAcls({
        filters: [
          {
            resourceType: TOPIC,
            resourceName: 'secret',
            resourcePatternType: LITERAL,
            operation: ANY,
            permissionType: ANY,
          },
        ],
      });
      assert.equal(deleted.filterResponses[0]?.matchingAcls.length, 1);
      await send('secret', 'after the ACL');
      const offsets = await admin.fetchTopicOffsets('secret');
      assert.equal(offsets[0]?.high, '2', 'both allowed records, not the denied one');
    } finally {
      await admin.disconnect();
    }
  });
});

test('KafkaJS: a consumer denied READ (DESCRIBE allowed) gets TOPIC_AUTHORIZATION_FAILED from its fetch', async () => {
  await withBroker(async (broker) => {
    const client = kafkajs(broker);
    const admin = client.admin();
    await admin.connect();
    const consumer = client.consumer({ groupId: 'readers', retry: { retries: 0 } });
    try {
      await admin.createTopics({ topics: [{ topic: 'guarded' }] });
      const producer = client.producer();
      await producer.connect();
      await producer.send({ topic: 'guarded', messages: [{ value: 'hidden' }] });
      await producer.disconnect();
      await admin.createAcls({
        acl: [
          {
            resourceType: TOPIC,
            resourceName: 'guarded',
            resourcePatternType: LITERAL,
            principal: 'User:*',
            host: '*',
            operation: 8,
            permissionType: ALLOW,
          },
          {
            resourceType: TOPIC,
            resourceName: 'guarded',
            resourcePatternType: LITERAL,
            principal: 'User:*',
            host: '*',
            operation: READ,
            permissionType: DENY,
          },
        ],
      });
      await consumer.connect();
      await consumer.subscribe({ topic: 'guarded', fromBeginning: true });
      const failure = new Promise<string>((resolve) => {
        consumer.on(consumer.events.CRASH, (e) => resolve(errorType(e.payload.error)));
      });
      const received: string[] = [];
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push(String(message.value));
        },
      });
      const type = await Promise.race([
        failure,
        new Promise<string>((resolve) => setTimeout(() => resolve('no error in 15 s'), 15_000)),
      ]);
      assert.equal(type, 'TOPIC_AUTHORIZATION_FAILED');
      assert.deepEqual(received, []);
    } finally {
      await consumer.disconnect();
      await admin.disconnect();
    }
  });
});

test('@platformatic/kafka: createAcls, describeAcls and deleteAcls on the newest versions', async () => {
  await withBroker(async (broker) => {
    const admin = new Admin({
      clientId: 'platformatic-acls-test',
      bootstrapBrokers: [broker.bootstrap],
      timeout: 5000,
      retries: 0,
    });
    try {
      const acl = {
        resourceType: TOPIC,
        resourceName: 'orders-',
        resourcePatternType: 4,
        principal: 'User:alice',
        host: '*',
        operation: READ,
        permissionType: ALLOW,
      } as const;
      await admin.createAcls({ creations: [acl] });
      const described = await admin.describeAcls({
        filter: {
          resourceType: TOPIC,
          resourceName: 'orders-eu',
          resourcePatternType: 2,
          principal: null,
          host: null,
          operation: ANY,
          permissionType: ANY,
        },
      });
      assert.deepEqual(
        described.map((r) => [
          r.resourceName,
          r.resourcePatternType,
          r.acls.map((a) => a.principal),
        ]),
        [['orders-', 4, ['User:alice']]],
        'MATCH finds the prefixed ACL that applies to orders-eu',
      );
      const deleted = await admin.deleteAcls({
        filters: [
          {
            resourceType: ANY,
            resourceName: null,
            resourcePatternType: ANY,
            principal: 'User:alice',
            host: null,
            operation: ANY,
            permissionType: ANY,
          },
        ],
      });
      assert.deepEqual(
        deleted.map((a) => [a.resourceName, a.principal]),
        [['orders-', 'User:alice']],
      );
    } finally {
      await admin.close();
    }
  });
});
