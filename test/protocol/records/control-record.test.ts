// Transaction markers: the control record key (version, type) and the end-transaction marker
// value (version, coordinatorEpoch), and the commit/abort batch builder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ControlRecordType,
  buildEndTransactionMarkerBatch,
  encodeControlRecordKey,
  encodeEndTransactionMarker,
  readControlRecordKey,
  readEndTransactionMarker,
} from '../../../src/protocol/records/control-record.js';
import { RecordBatch } from '../../../src/protocol/records/record-batch.js';
import { assertSamsaError } from './helpers.js';

describe('control records', () => {
  it('encodes keys and markers in Kafka byte layout', () => {
    assert.deepEqual(encodeControlRecordKey(ControlRecordType.COMMIT), Buffer.from([0, 0, 0, 1]));
    assert.deepEqual(encodeControlRecordKey(ControlRecordType.ABORT), Buffer.from([0, 0, 0, 0]));
    assert.deepEqual(encodeEndTransactionMarker(0x01020304), Buffer.from([0, 0, 1, 2, 3, 4]));
  });

  it('reads keys and markers, ignoring fields a newer version appends', () => {
    assert.deepEqual(readControlRecordKey(Buffer.from([0, 1, 0, 1, 9, 9])), {
      version: 1,
      type: 1,
    });
    assert.deepEqual(readEndTransactionMarker(Buffer.from([0, 0, 0xff, 0xff, 0xff, 0xfe, 7])), {
      version: 0,
      coordinatorEpoch: -2,
    });
  });

  it('rejects null, short and negative-version keys and values', () => {
    assertSamsaError(() => readControlRecordKey(null), 'SAMSA_ERR_DECODE_INVALID_VALUE');
    assertSamsaError(
      () => readControlRecordKey(Buffer.from([0, 0, 0])),
      'SAMSA_ERR_DECODE_TRUNCATED',
    );
    assertSamsaError(
      () => readControlRecordKey(Buffer.from([0xff, 0xff, 0, 0])),
      'SAMSA_ERR_DECODE_INVALID_VALUE',
    );
    assertSamsaError(() => readEndTransactionMarker(null), 'SAMSA_ERR_DECODE_INVALID_VALUE');
    assertSamsaError(
      () => readEndTransactionMarker(Buffer.from([0, 0, 0, 0, 1])),
      'SAMSA_ERR_DECODE_TRUNCATED',
    );
    assertSamsaError(
      () => readEndTransactionMarker(Buffer.from([0x80, 0, 0, 0, 0, 1])),
      'SAMSA_ERR_DECODE_INVALID_VALUE',
    );
  });

  for (const type of [ControlRecordType.COMMIT, ControlRecordType.ABORT]) {
    it(`builds a ${type === ControlRecordType.COMMIT ? 'commit' : 'abort'} marker batch`, () => {
      const batch = new RecordBatch(
        buildEndTransactionMarkerBatch({
          type,
          producerId: 4_000n,
          producerEpoch: 12,
          coordinatorEpoch: 5,
          timestamp: 1_700_000_000_000n,
          baseOffset: 77n,
          partitionLeaderEpoch: 3,
        }),
      );
      assert.ok(batch.verifyCrc());
      assert.equal(batch.isControl, true);
      assert.equal(batch.isTransactional, true);
      assert.equal(batch.producerId, 4_000n);
      assert.equal(batch.producerEpoch, 12);
      assert.equal(batch.baseSequence, -1);
      assert.equal(batch.baseOffset, 77n);
      assert.equal(batch.partitionLeaderEpoch, 3);
      assert.equal(batch.recordCount, 1);
      assert.equal(batch.lastOffsetDelta, 0);
      assert.equal(batch.maxTimestamp, 1_700_000_000_000n);
      const [record] = [...batch.records()];
      assert.equal(record!.offset, 77n);
      assert.deepEqual(readControlRecordKey(record!.key), { version: 0, type });
      assert.deepEqual(readEndTransactionMarker(record!.value), {
        version: 0,
        coordinatorEpoch: 5,
      });
    });
  }
});
