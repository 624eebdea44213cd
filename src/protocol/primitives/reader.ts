// Reader: a cursor over one Buffer with Kafka's primitive types.
// Every read checks its bounds first, and every length or count is checked against the bytes that
// remain before anything is allocated, so a hostile or truncated frame costs at most its own size.
// bytes/records values are zero-copy subarrays of the input buffer.
import { SamsaError } from '../../errors/samsa-error.js';

export interface TaggedField {
  tag: number;
  data: Buffer;
}

function truncated(need: number, offset: number, end: number): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_DECODE_TRUNCATED',
    `Cannot read ${need} bytes at offset ${offset}: only ${Math.max(0, end - offset)} remain`,
  );
}

export class Reader {
  readonly buf: Buffer;
  offset: number;
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  #take(n: number): number {
    const at = this.offset;
    if (at + n > this.end) throw truncated(n, at, this.end);
    this.offset = at + n;
    return at;
  }

  readInt8(): number {
    return this.buf.readInt8(this.#take(1));
  }
  readBool(): boolean {
    return this.buf[this.#take(1)] !== 0;
  }
  readInt16(): number {
    return this.buf.readInt16BE(this.#take(2));
  }
  readUInt16(): number {
    return this.buf.readUInt16BE(this.#take(2));
  }
  readInt32(): number {
    return this.buf.readInt32BE(this.#take(4));
  }
  readUInt32(): number {
    return this.buf.readUInt32BE(this.#take(4));
  }
  readInt64(): bigint {
    return this.buf.readBigInt64BE(this.#take(8));
  }
  readFloat64(): number {
    return this.buf.readDoubleBE(this.#take(8));
  }

  /** Kafka's Uuid as its canonical text form: URL-safe base64 without padding (22 chars). */
  readUuid(): string {
    const at = this.#take(16);
    return this.buf.toString('base64url', at, at + 16);
  }

  /** Unsigned LEB128 varint of at most 32 bits (5 bytes). */
  readUVarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.offset >= this.end) throw truncated(1, this.offset, this.end);
      const byte = this.buf[this.offset++]!;
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new SamsaError(
      'SAMSA_ERR_DECODE_INVALID_VARINT',
      `Varint at offset ${this.offset - 5} is longer than 5 bytes`,
    );
  }

  /** Zig-zag signed varint (32 bits). */
  readVarint(): number {
    const raw = this.readUVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Zig-zag signed varlong (64 bits) as a number; Kafka's record deltas fit in 53 bits in practice. */
  readVarlong(): number {
    return Number(this.readVarlongBig());
  }

  readVarlongBig(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.offset >= this.end) throw truncated(1, this.offset, this.end);
      const byte = this.buf[this.offset++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asIntN(64, (value >> 1n) ^ -(value & 1n));
    }
    throw new SamsaError(
      'SAMSA_ERR_DECODE_INVALID_VARINT',
      `Varlong at offset ${this.offset - 10} is longer than 10 bytes`,
    );
  }

  /** Checks a declared byte length against what remains; returns the start offset and advances. */
  #span(length: number, what: string): number {
    if (length < 0 || length > this.end - this.offset) {
      throw new SamsaError(
        'SAMSA_ERR_DECODE_INVALID_LENGTH',
        `${what} length ${length} at offset ${this.offset} is invalid: ${this.end - this.offset} bytes remain`,
      );
    }
    const at = this.offset;
    this.offset = at + length;
    return at;
  }

  #string(length: number): string {
    const at = this.#span(length, 'String');
    return this.buf.toString('utf8', at, at + length);
  }

  #bytes(length: number): Buffer {
    const at = this.#span(length, 'Bytes');
    return this.buf.subarray(at, at + length);
  }

  readString(): string {
    return this.#string(this.readInt16());
  }
  readNullableString(): string | null {
    const length = this.readInt16();
    return length === -1 ? null : this.#string(length);
  }
  readCompactString(): string {
    return this.#string(this.readUVarint() - 1);
  }
  readCompactNullableString(): string | null {
    const n = this.readUVarint();
    return n === 0 ? null : this.#string(n - 1);
  }

  readBytes(): Buffer {
    return this.#bytes(this.readInt32());
  }
  readNullableBytes(): Buffer | null {
    const length = this.readInt32();
    return length === -1 ? null : this.#bytes(length);
  }
  readCompactBytes(): Buffer {
    return this.#bytes(this.readUVarint() - 1);
  }
  readCompactNullableBytes(): Buffer | null {
    const n = this.readUVarint();
    return n === 0 ? null : this.#bytes(n - 1);
  }

  /** A raw span of known length (record batches, tagged field payloads). */
  readRaw(length: number): Buffer {
    return this.#bytes(length);
  }

  #count(count: number, minElementSize: number): number {
    // Each element takes at least minElementSize bytes, so a count the remaining bytes cannot
    // hold is rejected before any array is built.
    if (count < 0 || count * minElementSize > this.end - this.offset) {
      throw new SamsaError(
        'SAMSA_ERR_DECODE_INVALID_LENGTH',
        `Array count ${count} at offset ${this.offset} is invalid: ${this.end - this.offset} bytes remain`,
      );
    }
    return count;
  }

  /** int32 array count; -1 (null) is returned as -1. */
  readArrayCount(minElementSize: number): number {
    const count = this.readInt32();
    return count === -1 ? -1 : this.#count(count, minElementSize);
  }

  /** Compact array count (unsigned varint N+1); null is returned as -1. */
  readCompactArrayCount(minElementSize: number): number {
    const n = this.readUVarint();
    return n === 0 ? -1 : this.#count(n - 1, minElementSize);
  }

  /** The number of fields in a tagged-field section (each takes at least two bytes). */
  readTaggedFieldCount(): number {
    return this.#count(this.readUVarint(), 2);
  }

  /** Reads a tagged field's size and returns a reader bounded to its value, skipping past it. */
  readTaggedFieldReader(tag: number): Reader {
    const size = this.readUVarint();
    const at = this.#span(size, `Tagged field ${tag}`);
    return new Reader(this.buf, at, at + size);
  }

  /** Checks that a tagged field's value used exactly its declared size. */
  expectEnd(tag: number): void {
    if (this.offset !== this.end) {
      throw new SamsaError(
        'SAMSA_ERR_DECODE_INVALID_LENGTH',
        `Tagged field ${tag} left ${this.end - this.offset} of its declared bytes unread`,
      );
    }
  }

  /** The unread rest of this reader as an unknown tagged field, kept for re-encoding. */
  rest(tag: number): TaggedField {
    return { tag, data: this.buf.subarray(this.offset, this.end) };
  }
}
