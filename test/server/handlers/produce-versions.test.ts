// Produce v0-2 are advertised (librdkafka before 2.8 enables gzip/snappy/lz4 only when the broker
// lists Produce v0, KAFKA-18659) but not served: their old message formats get UNSUPPORTED_VERSION
// for every partition, never a disconnect, as Kafka 4.0 answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../../../src/errors/kafka-error.js';
import { Apis } from '../../../src/protocol/generated/index.js';
import { withBroker } from './support.js';

test('ApiVersions lists Produce from v0; a v0-2 produce is refused per partition with UNSUPPORTED_VERSION', async () => {
  await withBroker(async (client) => {
    const versions = await client.send(Apis.ApiVersions, 3, {
      clientSoftwareName: 'samsa-test',
      clientSoftwareVersion: '1',
    });
    const produce = versions.apiKeys.find((k) => k.apiKey === Apis.Produce.apiKey);
    assert.deepEqual([produce?.minVersion, produce?.maxVersion], [0, 11]);
    for (const v of [0, 1, 2]) {
      const res = await client.send(Apis.Produce, v, {
        ...Apis.Produce.request.create(),
        acks: 1,
        timeoutMs: 1000,
        topicData: [
          {
            name: 'old',
            partitionData: [
              { index: 0, records: Buffer.alloc(30) },
              { index: 1, records: null },
            ],
          },
        ],
      });
      assert.deepEqual(
        res.responses.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode])]),
        [
          [
            'old',
            [
              [0, ErrorCodes.UNSUPPORTED_VERSION.code],
              [1, ErrorCodes.UNSUPPORTED_VERSION.code],
            ],
          ],
        ],
        `v${v}`,
      );
    }
    const meta = await client.send(Apis.Metadata, 1, {
      ...Apis.Metadata.request.create(),
      topics: null,
    });
    assert.deepEqual(meta.topics, [], 'nothing was created or written');
  });
});
