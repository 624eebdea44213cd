// Batches written and read by KafkaJS's own record batch code, not an imitation of it:
//   kafkajs/src/protocol/recordBatch/v0/index.js         (RecordBatch encoder, used by its producer)
//   kafkajs/src/protocol/recordBatch/record/v0/index.js  (Record encoder)
//   kafkajs/src/protocol/recordBatch/v0/decoder.js       (batch decoder, used by its consumer)
// KafkaJS ships only gzip (kafkajs/src/protocol/message/compression/gzip.js, node:zlib); snappy,
// lz4 and zstd need plugins it does not bundle, so only none and gzip are covered here.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CompressionType } from '../../../src/protocol/compression/compression-type.js';
import { buildRecordBatch } from '../../../src/protocol/records/build-record-batch.js';
import { readRecordBatches } from '../../../src/protocol/records/record-batch.js';
import { RUNS } from './helpers.js';

const require = createRequire(import.meta.url);

interface KafkaJsMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp: number;
}
interface KafkaJsEncoder {
  buffer: Buffer;
}
interface KafkaJsDecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  offset: string;
  timestamp: string;
}
interface KafkaJsDecodedBatch {
  firstOffset: string;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  inTransaction: boolean;
  records: KafkaJsDecodedRecord[];
}

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<KafkaJsEncoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (options: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}) => KafkaJsEncoder;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: unknown,
) => Promise<KafkaJsDecodedBatch>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;

const bytesArb = fc.option(
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  { nil: null },
);
// KafkaJS takes headers as an object, so keys are unique and values non-null.
const messageArb: fc.Arbitrary<KafkaJsMessage> = fc.record({
  key: bytesArb,
  value: bytesArb,
  headers: fc.dictionary(
    fc.stringMatching(/^[a-z0-9.-]{1,10}$/),
    fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
    { maxKeys: 3 },
  ),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
});

/** What KafkaJS's producer does in requests/produce/v3/request.js, minus the request around it. */
async function kafkaJsBatch(messages: KafkaJsMessage[], compression: number): Promise<Buffer> {
  const firstTimestamp = messages[0]!.timestamp;
  const records = messages.map((m, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: m.timestamp - firstTimestamp,
      key: m.key,
      value: m.value,
      headers: m.headers,
    }),
  );
  const encoder = await RecordBatch({
    compression,
    records,
    firstTimestamp,
    maxTimestamp: Math.max(...messages.map((m) => m.timestamp)),
    producerId: '5',
    producerEpoch: 2,
    firstSequence: 10,
    transactional: false,
    lastOffsetDelta: records.length - 1,
  });
  return encoder.buffer;
}

for (const [name, codec] of [
  ['none', CompressionType.none],
  ['gzip', CompressionType.gzip],
] as const) {
  describe(`KafkaJS interop (${name})`, () => {
    it('Samsa reads batches KafkaJS writes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(messageArb, { minLength: 1, maxLength: 20 }),
          async (messages) => {
            const bytes = await kafkaJsBatch(messages, codec);
            const { batches, truncatedTail } = readRecordBatches(bytes);
            assert.equal(truncatedTail, null);
            assert.equal(batches.length, 1);
            const batch = batches[0]!;
            assert.ok(batch.verifyCrc(), 'KafkaJS batch has a valid CRC-32C');
            assert.equal(batch.compression, codec);
            assert.equal(batch.producerId, 5n);
            assert.equal(batch.producerEpoch, 2);
            assert.equal(batch.baseSequence, 10);
            assert.equal(batch.recordCount, messages.length);
            const records = [...batch.records()];
            assert.deepEqual(
              records.map((r) => ({
                key: r.key,
                value: r.value,
                timestamp: Number(r.timestamp),
                offset: r.offset,
              })),
              messages.map((m, i) => ({
                key: m.key,
                value: m.value,
                timestamp: m.timestamp,
                offset: BigInt(i),
              })),
            );
            records.forEach((r, i) => {
              assert.deepEqual(
                r.headers,
                Object.entries(messages[i]!.headers).map(([key, value]) => ({ key, value })),
              );
            });
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('KafkaJS reads batches Samsa writes', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(messageArb, { minLength: 1, maxLength: 20 }),
          async (messages) => {
            const bytes = buildRecordBatch({
              baseOffset: 1_000n,
              compression: codec,
              producerId: 9n,
              producerEpoch: 1,
              baseSequence: 3,
              records: messages.map((m) => ({
                key: m.key,
                value: m.value,
                timestamp: BigInt(m.timestamp),
                headers: Object.entries(m.headers).map(([key, value]) => ({ key, value })),
              })),
            });
            const decoded = await decodeBatch(new Decoder(bytes));
            assert.equal(decoded.firstOffset, '1000');
            assert.equal(decoded.producerId, '9');
            assert.equal(decoded.producerEpoch, 1);
            assert.equal(decoded.firstSequence, 3);
            assert.deepEqual(
              decoded.records.map((r) => ({
                key: r.key,
                value: r.value,
                headers: { ...r.headers },
                offset: r.offset,
                timestamp: r.timestamp,
              })),
              messages.map((m, i) => ({
                key: m.key,
                value: m.value,
                headers: { ...m.headers },
                offset: String(1_000 + i),
                timestamp: String(m.timestamp),
              })),
            );
          },
        ),
        { numRuns: RUNS },
      );
    });
  });
}
