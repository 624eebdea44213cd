// Compaction through the broker with real clients: kcat writes several values per key and a
// tombstone, the broker's log cleaner compacts the closed segments on its maintenance tick, and a
// kcat consumer then reads only each key's latest record, at its original offset. The wait for
// the cleaner is a bounded loop on the outcome, not a timed assertion.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startBroker } from '../../support/broker.js';
import { createTopic } from '../../support/kafkajs-client.js';
import { kcat, parseKcatRecords, type KcatRecord } from '../../support/kcat.js';

const CONSUME_FORMAT = '%o %T %K %S\\n%k%s|%h\\n';

async function consumeAll(bootstrap: string, topic: string): Promise<KcatRecord[]> {
  const { stdout } = await kcat(bootstrap, [
    '-C',
    '-t',
    topic,
    '-p',
    '0',
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    CONSUME_FORMAT,
  ]);
  return parseKcatRecords(stdout);
}

test("a compacted topic keeps each key's latest record at its offset; a tombstone is kept until delete.retention.ms", async () => {
  const broker = await startBroker({ overrides: { 'log.cleaner.backoff.ms': 50 } });
  try {
    const topic = 'compacted';
    await createTopic(broker.bootstrap, topic, {
      configs: {
        'cleanup.policy': 'compact',
        // Every batch rolls a new segment, so all but the newest are cleanable at once.
        'segment.bytes': '100',
        'min.cleanable.dirty.ratio': '0.01',
        'delete.retention.ms': '86400000',
      },
    });
    // One kcat run per record: one batch each, in this order.
    const writes: [string, string | null][] = [
      ['a', 'a1'],
      ['b', 'b1'],
      ['a', 'a2'],
      ['c', 'c1'],
      ['b', null],
      ['a', 'a3'],
      ['d', 'd1'],
    ];
    for (const [key, value] of writes) {
      const args = ['-P', '-t', topic, '-p', '0', '-K', ':', ...(value === null ? ['-Z'] : [])];
      await kcat(broker.bootstrap, args, { input: `${key}:${value ?? ''}\n` });
    }
    const before = await consumeAll(broker.bootstrap, topic);
    assert.equal(before.length, writes.length);

    let after: KcatRecord[] = before;
    for (let attempt = 0; attempt < 200 && after.length === before.length; attempt++) {
      await sleep(100);
      after = await consumeAll(broker.bootstrap, topic);
    }
    const seen = after.map((r) => [
      Number(r.offset),
      r.key?.toString() ?? null,
      r.value?.toString() ?? null,
    ]);
    // Offsets 0 (a1), 1 (b1), 2 (a2) are superseded. The tombstone for b (4) stays for
    // delete.retention.ms; the newest segment (d1, offset 6) is never cleaned.
    assert.deepEqual(seen, [
      [3, 'c', 'c1'],
      [4, 'b', null],
      [5, 'a', 'a3'],
      [6, 'd', 'd1'],
    ]);
  } finally {
    await broker.stop();
  }
});
