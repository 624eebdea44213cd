// One record inside a magic-2 batch: length (varint), attributes (int8), timestampDelta (varlong),
// offsetDelta (varint), key and value (varint length, -1 = null), then headers (varint count, each a
// varint-length UTF-8 key and a varint-length value, -1 = null).
//
// Parsing goes through one Reader over the (decompressed) records section: key, value and header
// values are subarrays of it, never copies. Every length is checked by the Reader against the
// bytes left before anything is allocated, and each record must use exactly the bytes its length
// prefix declares, as Kafka's DefaultRecord.readFrom insists.
import { SamsaError } from '../../errors/samsa-error.js';
import type { Reader } from '../primitives/reader.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record as read from a batch, with its absolute offset and timestamp resolved. */
export interface KafkaRecord {
  /** Record-level attributes; Kafka defines none yet, so this is normally 0. */
  attributes: number;
  timestampDelta: bigint;
  offsetDelta: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** length(1) attributes(1) timestampDelta(1) offsetDelta(1) key(1) value(1) headerCount(1). */
export const MIN_RECORD_SIZE = 7;
/** A header needs at least its key length and value length varints. */
const MIN_HEADER_SIZE = 2;

function corruptRecord(message: string): SamsaError {
  return new SamsaError('SAMSA_ERR_RECORD_BATCH_CORRUPT', message);
}

/**
 * A zig-zag varlong as a bigint. Up to 4 bytes (28 bits) the 32-bit varint decoder gives the same
 * value, and timestamp deltas almost always fit, so the per-byte BigInt loop is the exception.
 */
function readVarlong(reader: Reader): bigint {
  const { buf, offset } = reader;
  const stop = Math.min(offset + 4, reader.end);
  for (let i = offset; i < stop; i++) {
    if ((buf[i]! & 0x80) === 0) return BigInt(reader.readVarint());
  }
  return reader.readVarlongBig();
}

function readVarintBytes(reader: Reader, what: string, index: number): Buffer | null {
  const length = reader.readVarint();
  if (length === -1) return null;
  if (length < -1) throw corruptRecord(`Record ${index} has a negative ${what} length ${length}`);
  return reader.readRaw(length);
}

/**
 * Reads the record at the reader's offset. `logAppendTime` is the batch's maxTimestamp when the
 * batch uses LogAppendTime: every record then carries that time, whatever its delta says.
 */
export function readRecord(
  reader: Reader,
  index: number,
  baseOffset: bigint,
  baseTimestamp: bigint,
  logAppendTime: bigint | null,
): KafkaRecord {
  const length = reader.readVarint();
  if (length < 0 || length > reader.remaining) {
    throw corruptRecord(`Record ${index} declares ${length} bytes but ${reader.remaining} remain`);
  }
  const start = reader.offset;
  const attributes = reader.readInt8();
  const timestampDelta = readVarlong(reader);
  const offsetDelta = reader.readVarint();
  const key = readVarintBytes(reader, 'key', index);
  const value = readVarintBytes(reader, 'value', index);
  const headerCount = reader.readVarint();
  if (headerCount < 0 || headerCount * MIN_HEADER_SIZE > reader.remaining) {
    throw corruptRecord(
      `Record ${index} declares ${headerCount} headers in ${reader.remaining} bytes`,
    );
  }
  const headers: RecordHeader[] = new Array<RecordHeader>(headerCount);
  for (let h = 0; h < headerCount; h++) {
    const keyLength = reader.readVarint();
    if (keyLength < 0)
      throw corruptRecord(`Record ${index} header ${h} has a negative key length ${keyLength}`);
    const keyStart = reader.offset;
    reader.readRaw(keyLength);
    headers[h] = {
      key: reader.buf.toString('utf8', keyStart, keyStart + keyLength),
      value: readVarintBytes(reader, 'header value', index),
    };
  }
  if (reader.offset - start !== length) {
    throw corruptRecord(
      `Record ${index} declares ${length} bytes but its fields use ${reader.offset - start}`,
    );
  }
  return {
    attributes,
    timestampDelta,
    offsetDelta,
    offset: baseOffset + BigInt(offsetDelta),
    timestamp: logAppendTime ?? baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}
