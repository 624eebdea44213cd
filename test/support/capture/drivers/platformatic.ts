// @platformatic/kafka 1.x, in process: a producer sends the scenario's records once per codec it
// can write here (zstd needs node:zlib's zstd, Node 22.15+), an idempotent producer sends once
// more (InitProducerId first), then a Consumer, without joining its group, lists offsets and
// fetches every topic back from offset 0 (ListOffsets, Fetch by topic id).
import { constants as zlib } from 'node:zlib';
import {
  Consumer,
  ProduceAcks,
  Producer,
  stringDeserializers,
  stringSerializers,
  type CompressionAlgorithmValue,
} from '@platformatic/kafka';
import { CaptureServer } from '../capture-server.js';
import type { ClientCapture, ClientRun } from '../client-capture.js';
import { installedVersion, withTimeout } from '../client-capture.js';
import { NODE_ID } from '../handlers.js';
import { PLATFORMATIC, type TopicScenario } from '../scenarios.js';

const TIMEOUT_MS = 10_000;

/** node:zlib has zstd (and exports its constants) from Node 22.15 / 23.8 on. */
export function platformaticCanZstd(): boolean {
  return 'ZSTD_e_continue' in zlib;
}

function connection(server: CaptureServer) {
  return {
    bootstrapBrokers: [server.address],
    clientId: PLATFORMATIC.clientId,
    timeout: 5000,
    retries: 1,
    retryDelay: 100,
    autocreateTopics: true,
  };
}

async function produce(server: CaptureServer, scenario: TopicScenario): Promise<ClientRun> {
  const producer = new Producer({
    ...connection(server),
    serializers: stringSerializers,
    idempotent: scenario.idempotent,
  });
  const options = scenario.idempotent ? '{ idempotent: true }' : '{}';
  const compression = scenario.compression as CompressionAlgorithmValue;
  try {
    const result = await withTimeout(
      `@platformatic/kafka producing to ${scenario.topic}`,
      TIMEOUT_MS,
      producer.send({
        messages: scenario.records.map((r) => ({
          topic: scenario.topic,
          key: r.key,
          value: r.value,
          headers: Object.fromEntries(r.headers),
        })),
        compression,
        ...(scenario.idempotent ? {} : { acks: ProduceAcks.LEADER }),
      }),
      () => producer.close(true),
    );
    const offsets = (result.offsets ?? []).map((o) => `${o.topic}/${o.partition}@${o.offset}`);
    return {
      name: scenario.topic,
      how:
        `new Producer(${options}).send({ messages: 3 keyed with headers to '${scenario.topic}', ` +
        `compression: '${compression}'${scenario.idempotent ? '' : ', acks: ProduceAcks.LEADER'} })`,
      verified: `send() resolved with ${offsets.join(', ')}`,
    };
  } finally {
    await producer.close(true);
  }
}

async function consumeBack(server: CaptureServer, topics: TopicScenario[]): Promise<ClientRun> {
  const consumer = new Consumer({
    ...connection(server),
    groupId: 'samsa-golden-unjoined',
    deserializers: stringDeserializers,
  });
  const names = topics.map((t) => t.topic);
  try {
    return await withTimeout(
      '@platformatic/kafka listing offsets and fetching',
      TIMEOUT_MS,
      (async (): Promise<ClientRun> => {
        const offsets = await consumer.listOffsets({ topics: names });
        const metadata = await consumer.metadata({ topics: names });
        const fetched = await consumer.fetch({
          node: NODE_ID,
          maxWaitTime: 100,
          topics: topics.map((t) => ({
            topicId: metadata.topics.get(t.topic)?.id ?? '',
            partitions: [
              {
                partition: 0,
                fetchOffset: 0n,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes: 1 << 20,
              },
            ],
          })),
        });
        for (const t of topics) {
          const id = metadata.topics.get(t.topic)?.id;
          const response = fetched.responses.find((r) => r.topicId === id);
          const records = (response?.partitions[0]?.records ?? []).flatMap((b) => b.records);
          const got = records.map(
            (r) => `${r.key?.toString() ?? 'null'}=${r.value?.toString() ?? 'null'}`,
          );
          const want = t.records.map((r) => `${r.key}=${r.value}`);
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            throw new Error(
              `Fetched ${JSON.stringify(got)} from ${t.topic}, expected ${JSON.stringify(want)}`,
            );
          }
          const latest = offsets.get(t.topic)?.[0];
          if (latest !== BigInt(t.records.length)) {
            throw new Error(
              `ListOffsets said ${t.topic} ends at ${latest}, expected ${t.records.length}`,
            );
          }
        }
        return {
          name: 'consume',
          how:
            `new Consumer({ groupId }) without joining: listOffsets({ topics }), metadata({ topics }), ` +
            `fetch({ node: ${NODE_ID}, topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: 0n }] }] })`,
          verified: `latest offset ${topics[0]?.records.length} and the produced keys/values fetched back from ${names.length} topics`,
        };
      })(),
      () => consumer.close(true),
    );
  } finally {
    await consumer.close(true);
  }
}

export async function capturePlatformatic(): Promise<ClientCapture> {
  const server = await CaptureServer.start();
  const runs: ClientRun[] = [];
  const topics = PLATFORMATIC.topics.filter(
    (t) => t.compression !== 'zstd' || platformaticCanZstd(),
  );
  try {
    for (const scenario of topics) {
      server.setRun(scenario.topic);
      runs.push(await produce(server, scenario));
    }
    server.setRun('consume');
    runs.push(await consumeBack(server, topics));
  } finally {
    await server.close();
  }
  return {
    scenario: PLATFORMATIC,
    client: '@platformatic/kafka',
    clientVersion: installedVersion('@platformatic/kafka'),
    driver: 'in process (test/support/capture/drivers/platformatic.ts)',
    runs,
    advertised: server.advertised,
    frames: server.frames,
    problems: server.problems,
  };
}
