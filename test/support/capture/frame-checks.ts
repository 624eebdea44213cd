// Assertions the golden tests make on every captured request frame, whether read from fixtures or
// captured live: the frame decodes whole with the generated codecs, re-encodes to the identical
// bytes, and says what the client was made to send (scenarios.ts): its client id, our topics, and
// in Produce requests magic-2 batches with valid CRC-32C, the topic's codec, and the very records.
import assert from 'node:assert/strict';
import type { ApiVersionsRequest } from '../../../src/protocol/generated/api/api-versions.js';
import type { FetchRequest } from '../../../src/protocol/generated/api/fetch.js';
import type { InitProducerIdRequest } from '../../../src/protocol/generated/api/init-producer-id.js';
import type { ListOffsetsRequest } from '../../../src/protocol/generated/api/list-offsets.js';
import type { MetadataRequest } from '../../../src/protocol/generated/api/metadata.js';
import type { ProduceRequest } from '../../../src/protocol/generated/api/produce.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { readRecordBatches, type KafkaRecord } from '../../../src/protocol/records/index.js';
import { readBatchHeaders } from './batch-headers.js';
import { decodeRequestFrame, encodeRequestFrame, type DecodedRequest } from './request-frame.js';
import {
  CODEC_IDS,
  scenarioTopic,
  type ClientScenario,
  type SentRecord,
  type TopicScenario,
} from './scenarios.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** Kafka's rule for ApiVersions v3+ ClientSoftwareName/Version (ApiVersionsRequest.isValid). */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export interface FrameIdentity {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

/** Decodes a frame, checks nothing is left over, and checks decode → encode gives it back. */
export function checkRoundTrip(
  bytes: Buffer,
  label: string,
  expected?: FrameIdentity,
): DecodedRequest {
  const decoded = decodeRequestFrame(bytes);
  const { header } = decoded;
  assert.equal(
    decoded.trailingBytes,
    0,
    `${label}: ${decoded.trailingBytes} bytes left after the body`,
  );
  if (expected !== undefined) {
    assert.deepEqual(
      {
        apiKey: header.requestApiKey,
        apiVersion: header.requestApiVersion,
        correlationId: header.correlationId,
      },
      expected,
      `${label}: header differs from the manifest`,
    );
  }
  const again = encodeRequestFrame(decoded);
  if (!again.equals(bytes)) {
    let at = 0;
    while (at < again.length && again[at] === bytes[at]) at++;
    assert.fail(
      `${label}: re-encoding gives ${again.length} bytes, not the ${bytes.length} captured; first difference at byte ${at}`,
    );
  }
  return decoded;
}

function asSent(record: KafkaRecord): SentRecord {
  return {
    key: record.key?.toString('utf8') ?? '<null>',
    value: record.value?.toString('utf8') ?? '<null>',
    headers: record.headers.map((h) => [h.key, h.value?.toString('utf8') ?? '<null>']),
  };
}

/** Checks one client's frames one at a time, then (finish) that every record arrived. */
export class ClientFrameChecker {
  readonly #scenario: ClientScenario;
  readonly #produced = new Map<string, SentRecord[]>();
  /** "Produce v7" and so on: every API version this client sent. */
  readonly apiVersions = new Set<string>();

  constructor(scenario: ClientScenario) {
    this.#scenario = scenario;
  }

  check(bytes: Buffer, label: string, expected?: FrameIdentity): DecodedRequest {
    const decoded = checkRoundTrip(bytes, label, expected);
    const { api, header } = decoded;
    this.apiVersions.add(`${api.name} v${header.requestApiVersion}`);
    assert.equal(header.clientId, this.#scenario.clientId, `${label}: client id`);
    switch (api.apiKey) {
      case Apis.ApiVersions.apiKey:
        this.#apiVersions(decoded.body as ApiVersionsRequest, header.requestApiVersion, label);
        break;
      case Apis.Metadata.apiKey:
        this.#metadata(decoded.body as MetadataRequest, label);
        break;
      case Apis.Produce.apiKey:
        this.#produce(decoded.body as ProduceRequest, label);
        break;
      case Apis.Fetch.apiKey:
        this.#fetch(decoded.body as FetchRequest, header.requestApiVersion, label);
        break;
      case Apis.ListOffsets.apiKey:
        for (const t of (decoded.body as ListOffsetsRequest).topics) this.#topic(t.name, label);
        break;
      case Apis.InitProducerId.apiKey:
        assert.equal(
          (decoded.body as InitProducerIdRequest).transactionalId,
          null,
          `${label}: transactional id`,
        );
        break;
      case Apis.FindCoordinator.apiKey:
        assert.fail(`${label}: FindCoordinator, but no scenario uses a group or a transaction`);
      default:
        assert.fail(`${label}: ${api.name} is not an API the capture server answers`);
    }
    return decoded;
  }

  /** Every topic the client produced to got exactly the scenario's records, in order. */
  finish(): void {
    for (const t of this.#scenario.topics) {
      const got = this.#produced.get(t.topic);
      if (got === undefined && t.optional) continue;
      assert.deepEqual(got, t.records, `records produced to ${t.topic}`);
    }
  }

  #topic(name: string | null, label: string): TopicScenario {
    const t = name === null ? undefined : scenarioTopic(this.#scenario, name);
    assert.ok(
      t !== undefined,
      `${label}: topic ${name} is not one of ${this.#scenario.dir}'s scenario topics`,
    );
    return t;
  }

  #apiVersions(body: ApiVersionsRequest, version: number, label: string): void {
    if (version < 3) {
      assert.equal(
        this.#scenario.softwareName,
        null,
        `${label}: ApiVersions v${version} has no software name`,
      );
      return;
    }
    assert.equal(
      body.clientSoftwareName,
      this.#scenario.softwareName,
      `${label}: ClientSoftwareName`,
    );
    assert.match(
      body.clientSoftwareName,
      SOFTWARE_PATTERN,
      `${label}: Kafka would reject this software name`,
    );
    assert.match(
      body.clientSoftwareVersion,
      SOFTWARE_PATTERN,
      `${label}: Kafka would reject this software version`,
    );
  }

  #metadata(body: MetadataRequest, label: string): void {
    for (const t of body.topics ?? []) this.#topic(t.name, label);
  }

  #fetch(body: FetchRequest, version: number, label: string): void {
    for (const t of body.topics) {
      if (version >= 13)
        assert.notEqual(t.topicId, ZERO_UUID, `${label}: Fetch v13+ names topics by id`);
      else this.#topic(t.topic, label);
    }
  }

  #produce(body: ProduceRequest, label: string): void {
    assert.equal(body.transactionalId, null, `${label}: transactional id`);
    assert.ok([-1, 0, 1].includes(body.acks), `${label}: acks ${body.acks}`);
    assert.ok(body.timeoutMs > 0, `${label}: timeout ${body.timeoutMs}`);
    for (const topicData of body.topicData) {
      const t = this.#topic(topicData.name, label);
      if (t.idempotent)
        assert.equal(body.acks, -1, `${label}: an idempotent producer needs acks=all`);
      for (const partition of topicData.partitionData) {
        assert.equal(partition.index, 0, `${label}: scenario topics have one partition`);
        assert.ok(
          partition.records !== null && partition.records.length > 0,
          `${label}: no records`,
        );
        const records = this.#batches(partition.records, t, `${label} ${t.topic}`);
        this.#produced.set(t.topic, [...(this.#produced.get(t.topic) ?? []), ...records]);
      }
    }
  }

  /** Checks the batches with two readers (ours, and src/protocol/records) and returns the records. */
  #batches(bytes: Buffer, t: TopicScenario, label: string): SentRecord[] {
    const headers = readBatchHeaders(bytes); // throws on a torn batch, another magic, a bad CRC
    const { batches, truncatedTail } = readRecordBatches(bytes);
    assert.equal(truncatedTail, null, `${label}: a produced batch is torn`);
    assert.equal(batches.length, headers.length, `${label}: the two batch readers disagree`);
    const records: SentRecord[] = [];
    batches.forEach((batch, i) => {
      const header = headers[i]!;
      const where = `${label} batch ${i}`;
      assert.ok(batch.verifyCrc(), `${where}: CRC-32C`);
      assert.equal(batch.magic, 2, `${where}: magic`);
      assert.equal(
        batch.compression,
        CODEC_IDS[t.compression],
        `${where}: codec for ${t.compression}`,
      );
      assert.equal(
        header.compression,
        batch.compression,
        `${where}: the two batch readers disagree`,
      );
      assert.equal(
        batch.isTransactional || batch.isControl,
        false,
        `${where}: transactional or control`,
      );
      if (t.idempotent) {
        assert.ok(
          batch.producerId >= 0n && batch.producerEpoch >= 0,
          `${where}: producer id and epoch`,
        );
        assert.ok(batch.baseSequence >= 0, `${where}: base sequence`);
      } else {
        assert.equal(batch.producerId, -1n, `${where}: a plain producer has no producer id`);
        // librdkafka writes epoch and sequence -1; KafkaJS and @platformatic/kafka write 0 for
        // both. Kafka ignores them when the producer id is -1.
        assert.ok(
          [-1, 0].includes(batch.producerEpoch),
          `${where}: producer epoch ${batch.producerEpoch}`,
        );
        assert.ok(
          [-1, 0].includes(batch.baseSequence),
          `${where}: base sequence ${batch.baseSequence}`,
        );
      }
      assert.equal(header.producerId, batch.producerId, `${where}: the two batch readers disagree`);
      assert.equal(
        header.baseSequence,
        batch.baseSequence,
        `${where}: the two batch readers disagree`,
      );
      const inBatch = [...batch.records()];
      assert.equal(inBatch.length, batch.recordCount, `${where}: record count`);
      assert.equal(batch.lastOffsetDelta, inBatch.length - 1, `${where}: lastOffsetDelta`);
      inBatch.forEach((r, n) =>
        assert.equal(r.offsetDelta, n, `${where}: offsetDelta of record ${n}`),
      );
      records.push(...inBatch.map(asSent));
    });
    return records;
  }
}
