// What each real client is made to send when golden fixtures are captured: client ids, topics,
// compression per topic, and the records. The capture drivers send exactly these and the golden
// tests expect exactly these, so the two cannot drift apart silently. One topic per codec, so the
// topic name in a Produce request says which codec its batches must carry.

import type { CodecName } from '../interop-records.js';

export { CODEC_IDS, type CodecName } from '../interop-records.js';

export interface SentRecord {
  key: string;
  value: string;
  headers: [string, string][];
}

export interface TopicScenario {
  topic: string;
  compression: CodecName;
  idempotent: boolean;
  /** A topic the client only produces where it can (see PLATFORMATIC's zstd). */
  optional: boolean;
  records: SentRecord[];
}

export interface ClientScenario {
  /** Directory under test/fixtures/golden/. */
  dir: string;
  clientId: string;
  /** ClientSoftwareName in ApiVersions v3+, or null when the client sends an older version. */
  softwareName: string | null;
  topics: TopicScenario[];
}

/**
 * Three records: an ASCII one, a non-ASCII one, and a long repetitive one that compresses well.
 * `uniformHeaders` gives every record the same headers (kcat's -H applies to all of them).
 */
export function recordsFor(source: string, run: string, uniformHeaders = false): SentRecord[] {
  const headers: [string, string][] = [
    ['source', source],
    ['run', run],
  ];
  return [
    { key: 'key-1', value: `first record from ${source}`, headers },
    {
      key: 'key-2',
      value: 'second — ünïcødé ✓',
      headers: uniformHeaders ? headers : [['source', source]],
    },
    { key: 'key-3', value: 'abc'.repeat(100), headers: uniformHeaders ? headers : [] },
  ];
}

interface TopicOptions {
  idempotent?: boolean;
  optional?: boolean;
  uniformHeaders?: boolean;
}

function topic(
  client: string,
  run: string,
  compression: CodecName,
  options: TopicOptions = {},
): TopicScenario {
  return {
    topic: `golden-${client}-${run}`,
    compression,
    idempotent: options.idempotent ?? false,
    optional: options.optional ?? false,
    records: recordsFor(client, run, options.uniformHeaders),
  };
}

export const KAFKAJS: ClientScenario = {
  dir: 'kafkajs',
  clientId: 'samsa-golden-kafkajs',
  softwareName: null,
  topics: [topic('kafkajs', 'none', 'none'), topic('kafkajs', 'gzip', 'gzip')],
};

/** zstd only where node:zlib has it (Node 22.15+); @platformatic/kafka compresses with node:zlib. */
export const PLATFORMATIC: ClientScenario = {
  dir: 'platformatic-kafka',
  clientId: 'samsa-golden-platformatic',
  softwareName: 'platformatic-kafka',
  topics: [
    topic('platformatic', 'none', 'none'),
    topic('platformatic', 'gzip', 'gzip'),
    topic('platformatic', 'snappy', 'snappy'),
    topic('platformatic', 'lz4', 'lz4'),
    topic('platformatic', 'zstd', 'zstd', { optional: true }),
    topic('platformatic', 'idempotent', 'none', { idempotent: true }),
  ],
};

const KCAT_CODECS: CodecName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export const KCAT: ClientScenario = {
  dir: 'kcat',
  clientId: 'samsa-golden-kcat',
  softwareName: 'librdkafka',
  topics: KCAT_CODECS.map((codec) => topic('kcat', codec, codec, { uniformHeaders: true })),
};

export const CONFLUENT_PYTHON: ClientScenario = {
  dir: 'confluent-kafka-python',
  clientId: 'samsa-golden-python',
  softwareName: 'confluent-kafka-python',
  topics: [
    topic('python', 'none', 'none'),
    topic('python', 'zstd-idempotent', 'zstd', { idempotent: true }),
  ],
};

export const SCENARIOS: readonly ClientScenario[] = [KAFKAJS, PLATFORMATIC, KCAT, CONFLUENT_PYTHON];

export function scenarioTopic(scenario: ClientScenario, name: string): TopicScenario | undefined {
  return scenario.topics.find((t) => t.topic === name);
}
