// KafkaJS 2.x, in process: one producer sends the scenario's records once per codec it has built
// in (none and gzip). KafkaJS has no group-less consumer, so only the producer path is captured:
// ApiVersions, Metadata, Produce.
import { CompressionTypes, Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { CaptureServer } from '../capture-server.js';
import type { ClientCapture, ClientRun } from '../client-capture.js';
import { installedVersion, withTimeout } from '../client-capture.js';
import { KAFKAJS, type CodecName, type SentRecord } from '../scenarios.js';

const COMPRESSION: Partial<Record<CodecName, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
};

function toMessage(record: SentRecord): Message {
  return {
    key: record.key,
    value: record.value,
    headers: Object.fromEntries(record.headers),
  };
}

export async function captureKafkaJs(): Promise<ClientCapture> {
  const server = await CaptureServer.start();
  const runs: ClientRun[] = [];
  const kafka = new Kafka({
    clientId: KAFKAJS.clientId,
    brokers: [server.address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 1, initialRetryTime: 100 },
  });
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
  });
  try {
    for (const scenario of KAFKAJS.topics) {
      const compression = COMPRESSION[scenario.compression];
      if (compression === undefined)
        throw new Error(`KafkaJS has no ${scenario.compression} codec built in`);
      server.setRun(scenario.topic);
      const sent = withTimeout(
        `KafkaJS producing to ${scenario.topic}`,
        10_000,
        (async () => {
          await producer.connect();
          const result = await producer.send({
            topic: scenario.topic,
            messages: scenario.records.map(toMessage),
            compression,
            acks: -1,
          });
          await producer.disconnect();
          return result;
        })(),
        () => producer.disconnect(),
      );
      const metadata = await sent;
      const acknowledged = metadata.map(
        (m) => `${m.topicName}/${m.partition}@${m.baseOffset ?? '?'}`,
      );
      runs.push({
        name: scenario.topic,
        how:
          `kafka.producer({ createPartitioner: DefaultPartitioner, allowAutoTopicCreation: true }); ` +
          `connect(); send({ topic: '${scenario.topic}', messages: 3 keyed with headers, ` +
          `compression: CompressionTypes.${compression === CompressionTypes.GZIP ? 'GZIP' : 'None'}, acks: -1 }); disconnect()`,
        verified: `send() resolved with ${acknowledged.join(', ')}`,
      });
    }
  } finally {
    await server.close();
  }
  return {
    scenario: KAFKAJS,
    client: 'kafkajs',
    clientVersion: installedVersion('kafkajs'),
    driver: 'in process (test/support/capture/drivers/kafkajs.ts)',
    runs,
    advertised: server.advertised,
    frames: server.frames,
    problems: server.problems,
  };
}
