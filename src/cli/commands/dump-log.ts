// samsa dump-log: kafka-dump-log.sh. Reads segment files offline — .log (batches, with
// --deep-iteration their records, with --print-data-log keys and values), .index, .timeindex,
// .txnindex and producer .snapshot files — and prints Kafka's DumpLogSegments layout:
//
//   Dumping 00000000000000000000.log
//   Log starting offset: 0
//   baseOffset: 0 lastOffset: 2 count: 3 baseSequence: -1 … crc: 3212261424 isvalid: true
//   | offset: 0 CreateTime: 1700000000000 keySize: 2 valueSize: 5 sequence: -1 headerKeys: [] key: k1 payload: hello
//
// Every batch's CRC-32C is checked (isvalid); index entries are checked against the log, and
// what does not match is listed on stderr at the end, as Kafka does.
import { basename, resolve } from 'node:path';
import { decodeProducerSnapshot } from '../../storage/producer-snapshot-file.js';
import {
  ControlRecordType,
  readControlRecordKey,
  readEndTransactionMarker,
  type KafkaRecord,
  type RecordBatch,
} from '../../protocol/records/index.js';
import { UsageError, required } from '../args.js';
import { OUTPUT_FLAG, wantsJson, type Command } from '../command.js';
import type { Output } from '../output.js';
import { ReadOnlyFile, baseOffsetOf, logBatches } from './segment-files.js';

const COMPRESSION = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const CONTROL_TYPES = [
  'ABORT',
  'COMMIT',
  'LEADER_CHANGE',
  'SNAPSHOT_HEADER',
  'SNAPSHOT_FOOTER',
  'KRAFT_VERSION',
  'KRAFT_VOTERS',
];
const INT32_MAX = 0x7fffffff;

interface DumpOptions {
  printData: boolean;
  deep: boolean;
  skipRecordMetadata: boolean;
  verifyOnly: boolean;
  sanityOnly: boolean;
  maxBytes: number;
}

/** What DumpLogSegments reports on stderr once every file is dumped. */
class Problems {
  readonly lines: string[] = [];
  group(title: string, items: string[]): void {
    if (items.length > 0) this.lines.push(title, ...items);
  }
}

export const dumpLogCommand: Command = {
  name: 'dump-log',
  summary: 'Print the contents of segment and index files',
  kafkaTool: 'kafka-dump-log.sh',
  usage: ['samsa dump-log --files FILE[,FILE...] [--print-data-log] [--deep-iteration]'],
  description:
    'Reads .log, .index, .timeindex, .txnindex and .snapshot files offline (no broker needed) and\nprints batches with their CRC check, records, and index entries checked against the log.',
  flags: [
    {
      name: 'files',
      kind: 'value',
      placeholder: 'FILE,…',
      help: 'Segment and index files to dump',
      complete: 'file',
    },
    {
      name: 'print-data-log',
      kind: 'boolean',
      help: 'Print record keys and values (implies --deep-iteration)',
    },
    { name: 'deep-iteration', kind: 'boolean', help: 'Print every record, not only batches' },
    {
      name: 'skip-record-metadata',
      kind: 'boolean',
      help: 'Leave out each record’s offset, timestamp and sizes',
    },
    {
      name: 'verify-index-only',
      kind: 'boolean',
      help: 'Check index entries against the log without printing them',
    },
    {
      name: 'index-sanity-check',
      kind: 'boolean',
      help: 'Only check that index files are well formed',
    },
    {
      name: 'max-bytes',
      kind: 'value',
      placeholder: 'N',
      help: 'Read at most N bytes of each .log file',
    },
    {
      name: 'max-message-size',
      kind: 'value',
      placeholder: 'N',
      help: 'Accepted for compatibility; ignored',
    },
    OUTPUT_FLAG,
  ],
  examples: [
    'samsa dump-log --files samsa-data/orders-0/00000000000000000000.log',
    'samsa dump-log --files samsa-data/orders-0/00000000000000000000.log --print-data-log',
    'samsa dump-log --files samsa-data/orders-0/00000000000000000000.index,samsa-data/orders-0/00000000000000000000.timeindex',
    'samsa dump-log --files samsa-data/orders-0/00000000000000000000.log --deep-iteration --output json',
  ],
  async run({ args, out }) {
    const files = required(args, 'files')
      .split(',')
      .filter((f) => f !== '');
    const printData = args.has('print-data-log');
    const options: DumpOptions = {
      printData,
      deep: printData || args.has('deep-iteration'),
      skipRecordMetadata: args.has('skip-record-metadata'),
      verifyOnly: args.has('verify-index-only'),
      sanityOnly: args.has('index-sanity-check'),
      maxBytes: args.int('max-bytes', { min: 0 }) ?? Number.MAX_SAFE_INTEGER,
    };
    args.int('max-message-size', { min: 0 });
    const json = wantsJson(args);
    const problems = new Problems();
    const dumps: unknown[] = [];
    for (const path of files) {
      if (!json) out.line(`Dumping ${path}`);
      const suffix = basename(path).slice(basename(path).lastIndexOf('.'));
      let file: ReadOnlyFile;
      try {
        file = new ReadOnlyFile(path);
      } catch (err) {
        throw new UsageError(
          `Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        );
      }
      try {
        switch (suffix) {
          case '.log':
            dumps.push(dumpLog(file, options, out, json, problems));
            break;
          case '.index':
            dumps.push(dumpIndex(file, 'offset', options, out, json, problems));
            break;
          case '.timeindex':
            dumps.push(dumpIndex(file, 'time', options, out, json, problems));
            break;
          case '.txnindex':
            dumps.push(dumpTxnIndex(file, out, json));
            break;
          case '.snapshot':
            dumps.push(dumpProducerSnapshot(file, out, json, problems));
            break;
          default:
            out.error(`Ignoring unknown file ${path}`);
        }
      } finally {
        file.close();
      }
    }
    if (json) out.json(dumps);
    for (const line of problems.lines) out.error(line);
    return 0;
  },
};

function sequenceAt(baseSequence: number, delta: number): number {
  if (baseSequence === -1) return -1;
  // Kafka's DefaultRecordBatch.incrementSequence: sequences wrap at Integer.MAX_VALUE.
  return baseSequence > INT32_MAX - delta
    ? delta - (INT32_MAX - baseSequence) - 1
    : baseSequence + delta;
}

function batchFields(batch: RecordBatch, position: number) {
  return {
    baseOffset: batch.baseOffset,
    lastOffset: batch.lastOffset,
    count: batch.recordCount,
    baseSequence: batch.baseSequence,
    lastSequence: sequenceAt(batch.baseSequence, batch.lastOffsetDelta),
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    isTransactional: batch.isTransactional,
    isControl: batch.isControl,
    deleteHorizonMs: batch.hasDeleteHorizon ? batch.baseTimestamp : null,
    position,
    timestampType: batch.timestampType === 1 ? 'LogAppendTime' : 'CreateTime',
    maxTimestamp: batch.maxTimestamp,
    size: batch.sizeInBytes,
    magic: batch.magic,
    compression: COMPRESSION[batch.compression] ?? `unknown(${batch.compression})`,
    crc: batch.crc,
    isValid: batch.verifyCrc(),
  };
}

function batchLine(f: ReturnType<typeof batchFields>): string {
  return (
    `baseOffset: ${f.baseOffset} lastOffset: ${f.lastOffset} count: ${f.count} ` +
    `baseSequence: ${f.baseSequence} lastSequence: ${f.lastSequence} ` +
    `producerId: ${f.producerId} producerEpoch: ${f.producerEpoch} ` +
    `partitionLeaderEpoch: ${f.partitionLeaderEpoch} isTransactional: ${f.isTransactional} ` +
    `isControl: ${f.isControl} deleteHorizonMs: ${f.deleteHorizonMs === null ? 'OptionalLong.empty' : `OptionalLong[${f.deleteHorizonMs}]`} ` +
    `position: ${f.position} ${f.timestampType}: ${f.maxTimestamp} size: ${f.size} magic: ${f.magic} ` +
    `compresscodec: ${f.compression} crc: ${f.crc} isvalid: ${f.isValid}`
  );
}

function controlInfo(record: KafkaRecord): { controlType: string; coordinatorEpoch?: number } {
  const key = readControlRecordKey(record.key);
  if (key.type === ControlRecordType.ABORT || key.type === ControlRecordType.COMMIT) {
    const marker = readEndTransactionMarker(record.value);
    return { controlType: CONTROL_TYPES[key.type]!, coordinatorEpoch: marker.coordinatorEpoch };
  }
  return { controlType: `${CONTROL_TYPES[key.type] ?? 'UNKNOWN'}(${key.type})` };
}

function recordFields(batch: RecordBatch, record: KafkaRecord, options: DumpOptions) {
  return {
    offset: record.offset,
    timestamp: record.timestamp,
    keySize: record.key === null ? -1 : record.key.length,
    valueSize: record.value === null ? -1 : record.value.length,
    sequence: sequenceAt(batch.baseSequence, record.offsetDelta),
    headerKeys: record.headers.map((h) => h.key),
    ...(batch.isControl ? controlInfo(record) : {}),
    ...(options.printData && !batch.isControl
      ? {
          key: record.key?.toString('utf8') ?? null,
          payload: record.value?.toString('utf8') ?? null,
        }
      : {}),
  };
}

function recordLine(
  batch: RecordBatch,
  r: ReturnType<typeof recordFields>,
  options: DumpOptions,
): string {
  let line = '|';
  if (!options.skipRecordMetadata) {
    const type = batch.timestampType === 1 ? 'LogAppendTime' : 'CreateTime';
    line += ` offset: ${r.offset} ${type}: ${r.timestamp} keySize: ${r.keySize} valueSize: ${r.valueSize}`;
    line += ` sequence: ${r.sequence} headerKeys: [${r.headerKeys.join(',')}]`;
    if ('controlType' in r) {
      line +=
        r.coordinatorEpoch === undefined
          ? ` controlType: ${r.controlType}`
          : ` endTxnMarker: ${r.controlType} coordinatorEpoch: ${r.coordinatorEpoch}`;
    }
  }
  if ('key' in r && r.key !== null && r.key !== undefined) line += ` key: ${r.key}`;
  if ('payload' in r && r.payload !== null && r.payload !== undefined)
    line += ` payload: ${r.payload}`;
  return line;
}

function dumpLog(
  file: ReadOnlyFile,
  options: DumpOptions,
  out: Output,
  json: boolean,
  problems: Problems,
): unknown {
  const startOffset = baseOffsetOf(file.path);
  if (!json && startOffset !== null) out.line(`Log starting offset: ${startOffset}`);
  const batches: unknown[] = [];
  const nonConsecutive: string[] = [];
  let lastOffset = -1n;
  const iterator = logBatches(file, 0, options.maxBytes);
  let step = iterator.next();
  while (step.done !== true) {
    const { batch, position } = step.value;
    const fields = batchFields(batch, position);
    if (!json) out.line(batchLine(fields));
    const records: unknown[] = [];
    if (options.deep) {
      try {
        for (const record of batch.records()) {
          if (lastOffset !== -1n && record.offset !== lastOffset + 1n) {
            nonConsecutive.push(`  ${lastOffset} is followed by ${record.offset}`);
          }
          lastOffset = record.offset;
          const r = recordFields(batch, record, options);
          if (json) records.push(r);
          else out.line(recordLine(batch, r, options));
        }
      } catch (err) {
        out.error(
          `Cannot read the records of the batch at position ${position}: ${(err as Error).message}`,
        );
      }
    }
    batches.push(options.deep ? { ...fields, records } : fields);
    step = iterator.next();
  }
  const validBytes = step.value;
  const invalidBytes = options.maxBytes === Number.MAX_SAFE_INTEGER ? file.size - validBytes : 0;
  if (!json && invalidBytes > 0)
    out.line(`Found ${invalidBytes} invalid bytes at the end of ${basename(file.path)}`);
  problems.group(`Non-consecutive offsets in ${resolve(file.path)}`, nonConsecutive);
  return { file: file.path, kind: 'log', baseOffset: startOffset, batches, invalidBytes };
}

/** Batches of the .log beside an index, for checking the index's entries. */
function siblingLog(
  indexPath: string,
): { position: number; lastOffset: bigint; maxTimestamp: bigint }[] {
  const logPath = indexPath.replace(/\.(time)?index$/, '.log');
  const log = new ReadOnlyFile(logPath);
  try {
    return [...logBatches(log)].map(({ position, batch }) => ({
      position,
      lastOffset: batch.lastOffset,
      maxTimestamp: batch.maxTimestamp,
    }));
  } finally {
    log.close();
  }
}

function dumpIndex(
  file: ReadOnlyFile,
  kind: 'offset' | 'time',
  options: DumpOptions,
  out: Output,
  json: boolean,
  problems: Problems,
): unknown {
  const entrySize = kind === 'offset' ? 8 : 12;
  const base = baseOffsetOf(file.path) ?? 0n;
  const count = Math.floor(file.size / entrySize);
  if (options.sanityOnly) {
    if (file.size % entrySize !== 0) {
      throw new Error(
        `Index file ${file.path} is corrupt, found ${file.size} bytes which is neither positive nor a multiple of ${entrySize}.`,
      );
    }
    if (!json) out.line(`${file.path} passed sanity check.`);
    return { file: file.path, kind: `${kind}-index`, sane: true };
  }
  if (kind === 'offset' && count === 0) {
    if (!json) out.line(`${file.path} is empty.`);
    return { file: file.path, kind: 'offset-index', entries: [] };
  }
  const data = file.read(0, count * entrySize);
  const log = siblingLog(file.path);
  const entries: unknown[] = [];
  const mismatches: string[] = [];
  const notFound: string[] = [];
  const timeMismatches: string[] = [];
  const outOfOrder: string[] = [];
  let prevTimestamp = -1n;
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    if (kind === 'offset') {
      const offset = base + BigInt(data.readInt32BE(at));
      const position = data.readInt32BE(at + 4);
      if (offset === base && i > 0) break;
      const batch = log.find((b) => b.position === position);
      if (batch === undefined || batch.lastOffset !== offset) {
        mismatches.push(`  Index offset: ${offset}, log offset: ${batch?.lastOffset ?? -1}`);
      }
      if (!options.verifyOnly && !json) out.line(`offset: ${offset} position: ${position}`);
      entries.push({ offset, position });
    } else {
      const timestamp = data.readBigInt64BE(at);
      const offset = base + BigInt(data.readInt32BE(at + 8));
      if (offset === base && i > 0) break;
      const batch = log.find((b) => b.lastOffset >= offset);
      if (batch === undefined || batch.lastOffset !== offset) {
        notFound.push(`Indexed offset: ${offset}, found log offset: ${batch?.lastOffset ?? -1}`);
      } else {
        if (batch.maxTimestamp !== timestamp) {
          timeMismatches.push(
            `  Index timestamp: ${timestamp}, log timestamp: ${batch.maxTimestamp}`,
          );
        }
        if (prevTimestamp >= timestamp) {
          outOfOrder.push(
            `  Index timestamp: ${timestamp}, Previously indexed timestamp: ${prevTimestamp}`,
          );
        }
      }
      if (!options.verifyOnly && !json) out.line(`timestamp: ${timestamp} offset: ${offset}`);
      entries.push({ timestamp, offset });
      prevTimestamp = timestamp;
    }
  }
  const where = resolve(file.path);
  problems.group(`Mismatches in :${where}`, mismatches);
  problems.group(`Found timestamp mismatch in :${where}`, timeMismatches);
  problems.group(`Found out of order timestamp in :${where}`, outOfOrder);
  problems.group('The following indexed offsets are not found in the log.', notFound);
  return { file: file.path, kind: `${kind}-index`, entries };
}

function dumpTxnIndex(file: ReadOnlyFile, out: Output, json: boolean): unknown {
  const data = file.read(0, file.size);
  const entries = [];
  for (let at = 0; at + 34 <= data.length; at += 34) {
    const e = {
      version: data.readInt16BE(at),
      producerId: data.readBigInt64BE(at + 2),
      firstOffset: data.readBigInt64BE(at + 10),
      lastOffset: data.readBigInt64BE(at + 18),
      lastStableOffset: data.readBigInt64BE(at + 26),
    };
    entries.push(e);
    if (!json) {
      out.line(
        `version: ${e.version} producerId: ${e.producerId} firstOffset: ${e.firstOffset} lastOffset: ${e.lastOffset} lastStableOffset: ${e.lastStableOffset}`,
      );
    }
  }
  return { file: file.path, kind: 'transaction-index', entries };
}

function dumpProducerSnapshot(
  file: ReadOnlyFile,
  out: Output,
  json: boolean,
  problems: Problems,
): unknown {
  let producers;
  try {
    producers = decodeProducerSnapshot(file.read(0, file.size), file.path);
  } catch (err) {
    problems.lines.push((err as Error).message);
    return { file: file.path, kind: 'producer-snapshot', error: (err as Error).message };
  }
  const entries = producers.map((p) => {
    const last = p.batches.at(-1);
    return {
      producerId: p.producerId,
      producerEpoch: p.producerEpoch,
      coordinatorEpoch: p.coordinatorEpoch,
      currentTxnFirstOffset: p.currentTxnFirstOffset,
      lastTimestamp: p.lastTimestamp,
      lastBatch:
        last === undefined
          ? null
          : {
              firstSequence: last.lastSeq - last.offsetDelta,
              lastSequence: last.lastSeq,
              lastOffset: last.lastOffset,
              offsetDelta: last.offsetDelta,
              timestamp: last.timestamp,
            },
    };
  });
  if (!json) {
    for (const e of entries) {
      const txn =
        e.currentTxnFirstOffset === null
          ? 'OptionalLong.empty'
          : `OptionalLong[${e.currentTxnFirstOffset}]`;
      let line =
        `producerId: ${e.producerId} producerEpoch: ${e.producerEpoch} coordinatorEpoch: ${e.coordinatorEpoch} ` +
        `currentTxnFirstOffset: ${txn} lastTimestamp: ${e.lastTimestamp} `;
      const b = e.lastBatch;
      if (b !== null) {
        line += `firstSequence: ${b.firstSequence} lastSequence: ${b.lastSequence} lastOffset: ${b.lastOffset} offsetDelta: ${b.offsetDelta} timestamp: ${b.timestamp}`;
      }
      out.line(line);
    }
  }
  return { file: file.path, kind: 'producer-snapshot', producers: entries };
}
