// The cross-check load generator: kcat (librdkafka) producing a file of N fixed-size lines, one
// record each, with linger.ms=5 and librdkafka's other defaults (acks=-1, batch.size 1 MB,
// max.in.flight 5, no compression). The whole run is timed, process start and metadata included,
// and the partition's end offset is read back afterwards so only records that landed count.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Apis } from '../src/protocol/generated/index.js';
import { cpuSecondsOf } from './cpu-meter.js';
import { FrameConnection } from './frame-connection.js';

export interface KcatRun {
  readonly records: number;
  readonly seconds: number;
  /** kcat's CPU time over the run's wall time (sampled from /proc), or null. */
  readonly cpuShare: number | null;
}

export function kcatVersion(): string | null {
  const out = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  if (out.error !== undefined || out.status !== 0) return null;
  const kcat = /Version ([^\s]+)/.exec(out.stdout)?.[1] ?? '?';
  const librdkafka = /librdkafka ([^\s]+)/.exec(out.stdout)?.[1] ?? '?';
  return `kcat ${kcat}, librdkafka ${librdkafka}`;
}

/** Writes `count` lines of `recordBytes` printable bytes each (plus the newline). */
export function writeLinesFile(path: string, recordBytes: number, count: number): void {
  const line = Buffer.alloc(recordBytes + 1, 'x');
  line[recordBytes] = 0x0a;
  const perChunk = Math.max(1, Math.floor((4 << 20) / line.length));
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => line));
  const fd = openSync(path, 'w');
  try {
    for (let left = count; left > 0; left -= perChunk) {
      const n = Math.min(left, perChunk);
      writeSync(fd, chunk, 0, n * line.length);
    }
  } finally {
    closeSync(fd);
  }
}

/** The partition's log end offset, through ListOffsets v7 (latest). */
async function endOffset(port: number, topic: string): Promise<bigint> {
  const conn = await FrameConnection.open(port);
  try {
    const response = await conn.request(Apis.ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 },
          ],
        },
      ],
    });
    const p = response.topics[0]?.partitions[0];
    if (p === undefined || p.errorCode !== 0) {
      throw new Error(`ListOffsets failed: error code ${p?.errorCode}`);
    }
    return p.offset;
  } finally {
    conn.close();
  }
}

export async function runKcat(
  port: number,
  topic: string,
  file: string,
  timeoutMs: number,
): Promise<KcatRun> {
  const start = performance.now();
  const child = spawn(
    'kcat',
    ['-P', '-b', `127.0.0.1:${port}`, '-t', topic, '-p', '0', '-X', 'linger.ms=5', '-l', file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString('utf8')).slice(-4096);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  // /proc/PID/stat vanishes with the process: keep the last sample taken while it ran.
  let cpuSeconds: number | null = null;
  const sampler = setInterval(() => {
    cpuSeconds = cpuSecondsOf(child.pid!) ?? cpuSeconds;
  }, 50);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  clearTimeout(timer);
  clearInterval(sampler);
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) {
    const why =
      signal === 'SIGKILL' ? `was stopped after ${timeoutMs} ms` : `exited ${code ?? signal}`;
    throw new Error(`kcat ${why}: ${stderr.trim()}`);
  }
  return {
    records: Number(await endOffset(port, topic)),
    seconds,
    cpuShare: cpuSeconds === null ? null : cpuSeconds / seconds,
  };
}
