// The records interop tests send through real clients and the shapes they come back in, with a
// comparison that prints readable diffs (text as text, binary as hex). One record set covers the
// cases clients get wrong: null and empty keys and values, binary bytes, unicode, null and
// duplicate header keys, explicit CreateTimes, and a long value that compresses well.

export type CodecName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export const CODECS: readonly CodecName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Kafka's codec id (record batch attributes bits 0-2) by name. */
export const CODEC_IDS: Readonly<Record<CodecName, number>> = {
  none: 0,
  gzip: 1,
  snappy: 2,
  lz4: 3,
  zstd: 4,
};

export type Header = [string, Buffer | null];

/** A record as a test asks a client to send it. */
export interface TestRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
  /** CreateTime in ms; undefined lets the client stamp it. */
  timestamp?: number;
}

/** A record as a consumer read it back. */
export interface FetchedRecord {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Every byte value, four times over. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 256));

/**
 * Eight records, each a case a broker must carry byte for byte. `tag` makes them distinct per
 * run; CreateTimes start at `baseTimestamp` and differ from each other.
 */
export function richRecords(tag: string, baseTimestamp: number): TestRecord[] {
  const records: Omit<TestRecord, 'timestamp'>[] = [
    {
      key: text(`${tag}-key-0`),
      value: text(`hello from ${tag}`),
      headers: [
        ['trace', text('abc-123')],
        ['codec', text(tag)],
      ],
    },
    { key: null, value: text(`no key ${tag}`), headers: [] },
    { key: text(`${tag}-key-2`), value: null, headers: [['nil', null]] },
    { key: text(`${tag}-key-3`), value: Buffer.alloc(0), headers: [['empty', Buffer.alloc(0)]] },
    {
      key: Buffer.from([0x00, 0xff, 0x0a, 0x80]),
      value: ALL_BYTES,
      headers: [['bin', Buffer.from([0x00, 0x01, 0xfe, 0xff])]],
    },
    {
      key: text('ключ-🔑'),
      value: text(`héllo wörld — 日本語 🎉 ${tag}`),
      headers: [['ünï', text('çødé ✓')]],
    },
    {
      key: Buffer.alloc(0),
      value: text('duplicate header keys'),
      headers: [
        ['dup', text('1')],
        ['dup', text('2')],
      ],
    },
    { key: text(`${tag}-key-7`), value: text('abcdefgh'.repeat(512)), headers: [] },
  ];
  return records.map((r, i) => ({ ...r, timestamp: baseTimestamp + i * 7 }));
}

/** A CreateTime a little in the past: recent enough for retention, distinct from "now". */
export function recentTimestamp(): number {
  return Date.now() - 60_000;
}

/** Text when the bytes are UTF-8 that round-trips, otherwise hex. */
export function show(buf: Buffer | null): string | null {
  if (buf === null) return null;
  const s = buf.toString('utf8');
  return Buffer.from(s, 'utf8').equals(buf) && !s.includes('\u0000')
    ? `"${s.length > 80 ? `${s.slice(0, 60)}…(${buf.length} bytes)` : s}"`
    : `0x${buf.toString('hex')}`;
}

function shownHeaders(headers: Header[]): string[] {
  return headers.map(([k, v]) => `${k}=${show(v)}`);
}

export interface ShownRecord {
  offset: string;
  timestamp?: string;
  key: string | null;
  value: string | null;
  headers: string[];
}

/** What the consumer got, in a form whose deepEqual diff is readable. */
export function shownFetched(
  records: readonly FetchedRecord[],
  options: { timestamps?: boolean } = {},
): ShownRecord[] {
  return records.map((r) => ({
    offset: String(r.offset),
    ...(options.timestamps === false ? {} : { timestamp: String(r.timestamp) }),
    key: show(r.key),
    value: show(r.value),
    headers: shownHeaders(r.headers),
  }));
}

/**
 * What a consumer should get for `sent`, produced in order from `firstOffset` on one partition.
 * `timestamps: false` leaves timestamps out (when the client stamped them itself).
 */
export function shownExpected(
  sent: readonly TestRecord[],
  firstOffset: bigint,
  options: { timestamps?: boolean } = {},
): ShownRecord[] {
  return sent.map((r, i) => ({
    offset: String(firstOffset + BigInt(i)),
    ...(options.timestamps === false ? {} : { timestamp: String(r.timestamp) }),
    key: show(r.key),
    value: show(r.value),
    headers: shownHeaders(r.headers),
  }));
}
