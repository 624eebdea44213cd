// kcat (librdkafka) as a child process for interop tests: produce from stdin, consume without a
// group (-C -p N -o …) into records parsed byte-exactly, list metadata. Consumed records are
// printed as "%o %T %K %S\n%k%s|%h\n": the key and value lengths say how many raw bytes follow,
// so binary keys and values survive. kcat prints headers as k=v,k=v (NULL for a null value, bytes
// up to the first NUL otherwise); kcatHeaderText renders expected headers the same way.
import type { FetchedRecord, Header, TestRecord } from './interop-records.js';
import { show } from './interop-records.js';
import { runOk, type RunResult } from './run.js';

export const KCAT_TIMEOUT_MS = 20_000;
const CONSUME_FORMAT = '%o %T %K %S\\n%k%s|%h\\n';

export function kcat(
  bootstrap: string,
  args: readonly string[],
  options: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<RunResult> {
  return runOk('kcat', ['-b', bootstrap, '-X', 'client.id=samsa-interop', ...args], {
    timeoutMs: options.timeoutMs ?? KCAT_TIMEOUT_MS,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** A record as kcat printed it: headers stay in kcat's own k=v,k=v text. */
export interface KcatRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Buffer;
}

export function parseKcatRecords(out: Buffer): KcatRecord[] {
  const records: KcatRecord[] = [];
  let at = 0;
  while (at < out.length) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) throw new Error(`Truncated kcat output at byte ${at}: ${show(out.subarray(at))}`);
    const meta = /^(-?\d+) (-?\d+) (-?\d+) (-?\d+)$/.exec(out.toString('latin1', at, eol));
    if (meta === null)
      throw new Error(`Unexpected kcat output line: ${show(out.subarray(at, eol))}`);
    const keyLength = Number(meta[3]);
    const valueLength = Number(meta[4]);
    at = eol + 1;
    const key = keyLength < 0 ? null : out.subarray(at, at + Math.max(0, keyLength));
    at += Math.max(0, keyLength);
    const value = valueLength < 0 ? null : out.subarray(at, at + Math.max(0, valueLength));
    at += Math.max(0, valueLength);
    if (out[at] !== 0x7c) throw new Error(`Expected "|" after a record value at byte ${at}`);
    const end = out.indexOf(0x0a, at + 1);
    if (end < 0) throw new Error(`Truncated kcat headers at byte ${at}`);
    records.push({
      offset: BigInt(meta[1]!),
      timestamp: BigInt(meta[2]!),
      key,
      value,
      headers: out.subarray(at + 1, end),
    });
    at = end + 1;
  }
  return records;
}

export async function kcatConsume(
  bootstrap: string,
  topic: string,
  options: {
    partition?: number;
    /** beginning | end | <offset> | -<n> | s@<ms> */
    offset?: string;
    count?: number;
    extra?: readonly string[];
  } = {},
): Promise<KcatRecord[]> {
  const args = [
    '-C',
    '-t',
    topic,
    '-p',
    String(options.partition ?? 0),
    '-o',
    options.offset ?? 'beginning',
    '-e',
    '-q',
    '-f',
    CONSUME_FORMAT,
    ...(options.count === undefined ? [] : ['-c', String(options.count)]),
    // -e stops at the first empty fetch at the end: do not let the broker hold it long.
    '-X',
    'fetch.wait.max.ms=20',
    ...(options.extra ?? []),
  ];
  const { stdout } = await kcat(bootstrap, args);
  return parseKcatRecords(stdout);
}

/** Headers as kcat's %h prints them. */
export function kcatHeaderText(headers: readonly Header[]): Buffer {
  const parts: Buffer[] = [];
  headers.forEach(([k, v], i) => {
    if (i > 0) parts.push(Buffer.from(','));
    parts.push(Buffer.from(`${k}=`));
    if (v === null) parts.push(Buffer.from('NULL'));
    else {
      const nul = v.indexOf(0);
      parts.push(nul < 0 ? v : v.subarray(0, nul));
    }
  });
  return Buffer.concat(parts);
}

export interface ShownKcatRecord {
  offset: string;
  timestamp?: string;
  key: string | null;
  value: string | null;
  headers: string | null;
}

export function shownKcat(
  records: readonly KcatRecord[],
  options: { timestamps?: boolean } = {},
): ShownKcatRecord[] {
  return records.map((r) => ({
    offset: String(r.offset),
    ...(options.timestamps === false ? {} : { timestamp: String(r.timestamp) }),
    key: show(r.key),
    value: show(r.value),
    headers: show(r.headers),
  }));
}

/** What kcat should print for `sent`, produced in order from `firstOffset` on one partition. */
export function shownKcatExpected(
  sent: readonly TestRecord[],
  firstOffset: bigint,
  options: { timestamps?: boolean } = {},
): ShownKcatRecord[] {
  return sent.map((r, i) => ({
    offset: String(firstOffset + BigInt(i)),
    ...(options.timestamps === false ? {} : { timestamp: String(r.timestamp) }),
    key: show(r.key),
    value: show(r.value),
    headers: show(kcatHeaderText(r.headers)),
  }));
}

/** A fetched record as kcat would print it, to compare two consumers' views. */
export function asKcatRecord(r: FetchedRecord): KcatRecord {
  return {
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
    headers: kcatHeaderText(r.headers),
  };
}
