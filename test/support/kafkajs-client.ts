// KafkaJS 2.2.4 helpers for interop tests: a client that fails fast, topic creation through its
// admin (CreateTopics v3, with partitions and topic configs such as max.message.bytes or
// message.timestamp.type), and a producer call that sends TestRecords (Produce v7).
import { CompressionTypes, Kafka, logLevel, type IHeaders, type Message } from 'kafkajs';
import type { TestRecord } from './interop-records.js';

export function kafkajsClient(bootstrap: string, clientId = 'samsa-interop-kafkajs'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    // Fail fast: a test wants the broker's first answer, not a retry loop.
    retry: { retries: 0 },
  });
}

export async function createTopic(
  bootstrap: string,
  topic: string,
  options: { partitions?: number; configs?: Record<string, string> } = {},
): Promise<void> {
  const admin = kafkajsClient(bootstrap, 'samsa-interop-setup').admin();
  await admin.connect();
  try {
    const created = await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: options.partitions ?? 1,
          configEntries: Object.entries(options.configs ?? {}).map(([name, value]) => ({
            name,
            value,
          })),
        },
      ],
    });
    if (!created) throw new Error(`Topic ${topic} already existed`);
  } finally {
    await admin.disconnect();
  }
}

/** `records` without null header values, which KafkaJS cannot write (it measures them as text). */
export function withoutNullHeaders(records: readonly TestRecord[]): TestRecord[] {
  return records.map((r) => ({ ...r, headers: r.headers.filter(([, v]) => v !== null) }));
}

/** KafkaJS's message shape: headers as an object, a repeated key as an array of values. */
export function kafkajsMessage(r: TestRecord): Message {
  const headers: IHeaders = {};
  for (const [k, v] of r.headers) {
    if (v === null) throw new Error(`KafkaJS cannot send a null header value (header ${k})`);
    const existing = headers[k];
    if (existing === undefined) headers[k] = v;
    else headers[k] = Array.isArray(existing) ? [...existing, v] : [existing, v];
  }
  return {
    key: r.key,
    value: r.value,
    headers,
    ...(r.timestamp === undefined ? {} : { timestamp: String(r.timestamp) }),
  };
}

/**
 * Sends `records` to one partition (0 unless told) in one Produce request (acks=all); resolves
 * with the base offset.
 */
export async function kafkajsProduce(
  bootstrap: string,
  topic: string,
  records: readonly TestRecord[],
  options: { compression?: CompressionTypes; partition?: number } = {},
): Promise<bigint> {
  const producer = kafkajsClient(bootstrap).producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    const result = await producer.send({
      topic,
      messages: records.map((r) => ({ ...kafkajsMessage(r), partition: options.partition ?? 0 })),
      compression: options.compression ?? CompressionTypes.None,
      acks: -1,
    });
    const [first] = result;
    if (result.length !== 1 || first?.errorCode !== 0 || first.baseOffset === undefined)
      throw new Error(`Unexpected KafkaJS produce result ${JSON.stringify(result)}`);
    return BigInt(first.baseOffset);
  } finally {
    await producer.disconnect();
  }
}
