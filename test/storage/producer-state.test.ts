// Idempotent producers at the log (Kafka's ProducerStateManager / ProducerAppendInfo rules): a
// retry of one of a producer's last five batches is not written again and gets the original
// offsets; sequences must follow on within an epoch, restart at 0 in a new epoch, wrap at int32
// max; an older epoch is fenced; an unknown producer may start anywhere; batches without a
// producer id are never checked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompressionType } from '../../src/protocol/compression/index.js';
import { buildRecordBatch } from '../../src/protocol/records/index.js';
import { ManualClock, batch, openLog, readAllBatches, tempDir } from './helpers.js';
import { append, appendDuplicate, appendRefused, producerBatch } from './producer-state-helpers.js';

const INT32_MAX = 2147483647;

describe('idempotent producer state', () => {
  it('answers a retried batch with its original offsets and stores it once', async () => {
    const log = openLog(tempDir(), new ManualClock());
    const first = await append(log, producerBatch({ seq: 0, count: 3 }));
    assert.deepEqual([first.firstOffset, first.lastOffset, first.duplicate], [0n, 2n, false]);
    const second = await append(log, producerBatch({ seq: 3, count: 2 }));
    assert.equal(second.firstOffset, 3n);
    await appendDuplicate(log, producerBatch({ seq: 0, count: 3 }), 0n, 2n);
    await appendDuplicate(log, producerBatch({ seq: 3, count: 2 }), 3n, 4n);
    // Compressed retries are recognised from the header alone.
    const gz = await append(
      log,
      producerBatch({ seq: 5, count: 4, compression: CompressionType.gzip }),
    );
    await appendDuplicate(
      log,
      producerBatch({ seq: 5, count: 4, compression: CompressionType.gzip }),
      gz.firstOffset,
      gz.lastOffset,
    );
    const batches = await readAllBatches(log);
    assert.deepEqual(
      batches.map((b) => [b.baseOffset, b.baseSequence]),
      [
        [0n, 0],
        [3n, 3],
        [5n, 5],
      ],
    );
    await log.close();
  });

  it('remembers the last five batches: an older retry is out of order', async () => {
    const log = openLog(tempDir(), new ManualClock());
    for (let seq = 0; seq < 6; seq++) await append(log, producerBatch({ seq }));
    for (let seq = 1; seq < 6; seq++) {
      await appendDuplicate(log, producerBatch({ seq }), BigInt(seq), BigInt(seq));
    }
    await appendRefused(log, producerBatch({ seq: 0 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.equal(log.producerState.lastEntry(7n)?.batches.length, 5);
    await log.close();
  });

  it('refuses a gap or an overlap with OUT_OF_ORDER_SEQUENCE_NUMBER and keeps its state', async () => {
    const log = openLog(tempDir(), new ManualClock());
    await append(log, producerBatch({ seq: 0, count: 3 }));
    await appendRefused(log, producerBatch({ seq: 4 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    // Overlapping, but not the same range as a stored batch: not a duplicate.
    await appendRefused(log, producerBatch({ seq: 1, count: 3 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    await appendRefused(log, producerBatch({ seq: 2 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const next = await append(log, producerBatch({ seq: 3 }));
    assert.deepEqual([next.firstOffset, next.duplicate], [3n, false]);
    await log.close();
  });

  it('fences an older epoch with INVALID_PRODUCER_EPOCH, retries included', async () => {
    const log = openLog(tempDir(), new ManualClock());
    await append(log, producerBatch({ epoch: 0, seq: 0 }));
    await append(log, producerBatch({ epoch: 2, seq: 0 }));
    await appendRefused(log, producerBatch({ epoch: 1, seq: 0 }), 'INVALID_PRODUCER_EPOCH');
    await appendRefused(log, producerBatch({ epoch: 0, seq: 1 }), 'INVALID_PRODUCER_EPOCH');
    // A retry from the fenced epoch is no duplicate of anything: the new epoch forgot its batches.
    await appendRefused(log, producerBatch({ epoch: 0, seq: 0 }), 'INVALID_PRODUCER_EPOCH');
    await log.close();
  });

  it('accepts an epoch bump (KIP-360) only with the sequence starting over at 0', async () => {
    const log = openLog(tempDir(), new ManualClock());
    await append(log, producerBatch({ epoch: 0, seq: 0, count: 5 }));
    await appendRefused(log, producerBatch({ epoch: 1, seq: 5 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const bumped = await append(log, producerBatch({ epoch: 1, seq: 0, count: 2 }));
    assert.equal(bumped.firstOffset, 5n);
    await appendDuplicate(log, producerBatch({ epoch: 1, seq: 0, count: 2 }), 5n, 6n);
    await append(log, producerBatch({ epoch: 1, seq: 2 }));
    assert.equal(log.producerState.lastEntry(7n)?.producerEpoch, 1);
    await log.close();
  });

  it('lets a producer it does not know start at any sequence, as Kafka since KIP-360', async () => {
    const log = openLog(tempDir(), new ManualClock());
    const result = await append(log, producerBatch({ pid: 42n, epoch: 3, seq: 1234, count: 2 }));
    assert.equal(result.firstOffset, 0n);
    await append(log, producerBatch({ pid: 42n, epoch: 3, seq: 1236 }));
    await appendRefused(
      log,
      producerBatch({ pid: 42n, epoch: 3, seq: 1238 }),
      'OUT_OF_ORDER_SEQUENCE_NUMBER',
    );
    // Producers are independent.
    await append(log, producerBatch({ pid: 43n, seq: 0 }));
    await log.close();
  });

  it('wraps sequences from int32 max to 0', async () => {
    const log = openLog(tempDir(), new ManualClock());
    // Sequences 2147483646, 2147483647, 0: the batch's last sequence wraps.
    const wrapped = await append(log, producerBatch({ seq: INT32_MAX - 1, count: 3 }));
    assert.equal(log.producerState.lastEntry(7n)?.lastSeq, 0);
    await appendDuplicate(log, producerBatch({ seq: INT32_MAX - 1, count: 3 }), 0n, 2n);
    await appendRefused(log, producerBatch({ seq: 0 }), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    await append(log, producerBatch({ seq: 1 }));
    assert.equal(wrapped.firstOffset, 0n);
    // A batch ending exactly at int32 max is followed by 0.
    await append(log, producerBatch({ pid: 8n, seq: INT32_MAX }));
    await append(log, producerBatch({ pid: 8n, seq: 0 }));
    await log.close();
  });

  it('never checks batches without a producer id (KafkaJS 0/0, librdkafka -1/-1)', async () => {
    const log = openLog(tempDir(), new ManualClock());
    const kafkajsStyle = (): Buffer =>
      buildRecordBatch({
        producerId: -1n,
        producerEpoch: 0,
        baseSequence: 0,
        records: [{ value: Buffer.from('x'), timestamp: 1_700_000_000_000n }],
      });
    await append(log, kafkajsStyle());
    const again = await append(log, kafkajsStyle());
    assert.deepEqual([again.firstOffset, again.duplicate], [1n, false]);
    await append(log, batch());
    await append(log, batch());
    assert.equal(log.logEndOffset, 4n);
    assert.equal(log.producerState.producers.size, 0);
    await log.close();
  });

  it('answers a retry on a LogAppendTime topic with the original append time', async () => {
    const clock = new ManualClock();
    const log = openLog(tempDir(), clock, { messageTimestampType: 'LogAppendTime' });
    const first = await append(log, producerBatch({ seq: 0, count: 2 }));
    assert.equal(first.logAppendTime, BigInt(clock.now()));
    clock.advance(5000);
    const retry = await appendDuplicate(log, producerBatch({ seq: 0, count: 2 }), 0n, 1n);
    assert.equal(retry.logAppendTime, first.logAppendTime);
    await log.close();
  });

  it('checks a retry only after validation: a corrupt retry is still CORRUPT_MESSAGE', async () => {
    const log = openLog(tempDir(), new ManualClock());
    await append(log, producerBatch({ seq: 0 }));
    const corrupt = producerBatch({ seq: 0 });
    corrupt[corrupt.length - 1]! ^= 0xff;
    await appendRefused(log, corrupt, 'CORRUPT_MESSAGE');
    await log.close();
  });
});
