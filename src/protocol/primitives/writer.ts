// Writer: appends Kafka's primitive types to a growing buffer.
// Large byte values (record batches) are not copied: the writer keeps them as their own chunks, so
// a response can leave in one vectored write (toChunks) and a produced batch is never re-copied.
// Positions handed out by reserveInt32 are absolute and can be patched once the size is known.
import { SamsaError } from '../../errors/samsa-error.js';
import type { TaggedField } from './reader.js';

/** Byte values at least this long are referenced, not copied. */
const ZERO_COPY_MIN = 1024;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export class Writer {
  #chunks: Buffer[] = [];
  /** Absolute position of #chunks' end, i.e. where #buf[#start] sits in the output. */
  #flushed = 0;
  #buf: Buffer;
  #start = 0;
  #pos = 0;

  constructor(initialCapacity = 256) {
    this.#buf = Buffer.allocUnsafe(initialCapacity);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#flushed + this.#pos - this.#start;
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const used = this.#pos - this.#start;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, used + n, 256));
    this.#buf.copy(next, 0, this.#start, this.#pos);
    // Bytes before #start are already referenced by #chunks; they stay in the old buffer.
    this.#buf = next;
    this.#start = 0;
    this.#pos = used;
  }

  writeInt8(v: number): this {
    this.#ensure(1);
    this.#pos = this.#buf.writeInt8(v, this.#pos);
    return this;
  }
  writeBool(v: boolean): this {
    this.#ensure(1);
    this.#buf[this.#pos++] = v ? 1 : 0;
    return this;
  }
  writeInt16(v: number): this {
    this.#ensure(2);
    this.#pos = this.#buf.writeInt16BE(v, this.#pos);
    return this;
  }
  writeUInt16(v: number): this {
    this.#ensure(2);
    this.#pos = this.#buf.writeUInt16BE(v, this.#pos);
    return this;
  }
  writeInt32(v: number): this {
    this.#ensure(4);
    this.#pos = this.#buf.writeInt32BE(v, this.#pos);
    return this;
  }
  writeUInt32(v: number): this {
    this.#ensure(4);
    this.#pos = this.#buf.writeUInt32BE(v, this.#pos);
    return this;
  }
  writeInt64(v: bigint): this {
    this.#ensure(8);
    this.#pos = this.#buf.writeBigInt64BE(v, this.#pos);
    return this;
  }
  writeFloat64(v: number): this {
    this.#ensure(8);
    this.#pos = this.#buf.writeDoubleBE(v, this.#pos);
    return this;
  }

  writeUuid(v: string): this {
    const bytes = Buffer.from(v, 'base64url');
    if (bytes.length !== 16) {
      throw new SamsaError(
        'SAMSA_ERR_ENCODE_INVALID_VALUE',
        `Uuid "${v}" does not decode to 16 bytes`,
      );
    }
    return this.writeRaw(bytes);
  }

  writeUVarint(v: number): this {
    this.#ensure(5);
    let value = v >>> 0;
    while (value >= 0x80) {
      this.#buf[this.#pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.#buf[this.#pos++] = value;
    return this;
  }

  writeVarint(v: number): this {
    return this.writeUVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  writeVarlong(v: number | bigint): this {
    let value = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    this.#ensure(10);
    while (value >= 0x80n) {
      this.#buf[this.#pos++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.#buf[this.#pos++] = Number(value);
    return this;
  }

  #utf8(v: string, length: number): void {
    this.#ensure(length);
    this.#pos += this.#buf.write(v, this.#pos, length, 'utf8');
  }

  writeString(v: string): this {
    const length = utf8Length(v);
    if (length > 0x7fff) {
      throw new SamsaError(
        'SAMSA_ERR_ENCODE_INVALID_VALUE',
        `String of ${length} bytes exceeds the int16 length limit`,
      );
    }
    this.writeInt16(length);
    this.#utf8(v, length);
    return this;
  }
  writeNullableString(v: string | null): this {
    return v === null ? this.writeInt16(-1) : this.writeString(v);
  }
  writeCompactString(v: string): this {
    const length = utf8Length(v);
    this.writeUVarint(length + 1);
    this.#utf8(v, length);
    return this;
  }
  writeCompactNullableString(v: string | null): this {
    return v === null ? this.writeUVarint(0) : this.writeCompactString(v);
  }

  writeBytes(v: Buffer): this {
    return this.writeInt32(v.length).writeRaw(v);
  }
  writeNullableBytes(v: Buffer | null): this {
    return v === null ? this.writeInt32(-1) : this.writeBytes(v);
  }
  writeCompactBytes(v: Buffer): this {
    return this.writeUVarint(v.length + 1).writeRaw(v);
  }
  writeCompactNullableBytes(v: Buffer | null): this {
    return v === null ? this.writeUVarint(0) : this.writeCompactBytes(v);
  }

  writeArrayCount(count: number): this {
    return this.writeInt32(count);
  }
  writeCompactArrayCount(count: number): this {
    return this.writeUVarint(count + 1);
  }

  /** Appends bytes as they are; large values are referenced, not copied. */
  writeRaw(v: Buffer): this {
    if (v.length >= ZERO_COPY_MIN) {
      if (this.#pos > this.#start) this.#chunks.push(this.#buf.subarray(this.#start, this.#pos));
      this.#chunks.push(v);
      this.#flushed += this.#pos - this.#start + v.length;
      this.#start = this.#pos;
      return this;
    }
    this.#ensure(v.length);
    v.copy(this.#buf, this.#pos);
    this.#pos += v.length;
    return this;
  }

  /** Writes a tagged-field section: known fields and preserved unknown ones, in tag order. */
  writeTaggedFields(fields: readonly TaggedField[]): this {
    const sorted = fields.length > 1 ? [...fields].sort((a, b) => a.tag - b.tag) : fields;
    this.writeUVarint(sorted.length);
    for (const field of sorted) {
      this.writeUVarint(field.tag).writeUVarint(field.data.length).writeRaw(field.data);
    }
    return this;
  }

  /** Reserves an int32 to be patched later; returns its absolute position. */
  reserveInt32(): number {
    const at = this.length;
    this.writeInt32(0);
    return at;
  }

  patchInt32(at: number, v: number): void {
    const [buf, offset] = this.#locate(at);
    buf.writeInt32BE(v, offset);
  }

  patchUInt32(at: number, v: number): void {
    const [buf, offset] = this.#locate(at);
    buf.writeUInt32BE(v, offset);
  }

  #locate(at: number): [Buffer, number] {
    if (at >= this.#flushed) return [this.#buf, this.#start + at - this.#flushed];
    let base = 0;
    for (const chunk of this.#chunks) {
      if (at < base + chunk.length) return [chunk, at - base];
      base += chunk.length;
    }
    throw new RangeError(`Position ${at} is outside the written ${this.length} bytes`);
  }

  /** The output as buffers for a vectored write; valid until the writer is written to again. */
  toChunks(): Buffer[] {
    const tail = this.#buf.subarray(this.#start, this.#pos);
    return tail.length > 0 ? [...this.#chunks, tail] : [...this.#chunks];
  }

  /** The output as one buffer (copies when zero-copy chunks were referenced). */
  toBuffer(): Buffer {
    if (this.#chunks.length === 0) return this.#buf.subarray(this.#start, this.#pos);
    return Buffer.concat(this.toChunks());
  }
}
