// The groups benchmark's offset cases. Commit throughput: pre-built OffsetCommit v8 requests of
// a "simple" group (generation -1, no member id), each committing k partitions, pipelined on one
// socket exactly as the broker benchmark pipelines produce requests (pipelined-load.ts). A commit
// is an append of k records to the group's `__consumer_offsets` partition, so the baseline,
// measured interleaved with it, is Produce acks=1 of one batch of k 100 B records per request to
// a one-partition topic. Memory: a fresh broker's RSS when idle and after many groups commit.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Apis } from '../src/protocol/generated/index.js';
import type { BenchServer } from './bench-servers.js';
import { decodeResponse, encodeRequest, frameRing, FrameConnection } from './frame-connection.js';
import type { PipelinedTraffic } from './pipelined-load.js';
import { buildProduceFrames } from './produce-frames.js';
import { SlicedCase, type SliceSettings, type SlicedRow } from './sliced-case.js';

export const OFFSET_COMMIT_VERSION = 8;

/** Commit cases are measured like any pipelined case (sliced-case.ts). */
export type CommitSettings = SliceSettings;
export type CommitRow = SlicedRow;

function commitRequest(groupId: string, topic: string, partitions: number) {
  return {
    ...Apis.OffsetCommit.request.create(),
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: topic,
        partitions: Array.from({ length: partitions }, (_, i) => ({
          partitionIndex: i,
          committedOffset: 1_000_000n + BigInt(i),
          committedLeaderEpoch: -1,
          commitTimestamp: -1n,
          committedMetadata: '',
        })),
      },
    ],
  };
}

/** Throws unless every partition of an OffsetCommit answer has error code 0; returns the count. */
function checkCommit(response: {
  topics: { partitions: { partitionIndex: number; errorCode: number }[] }[];
}): number {
  let count = 0;
  for (const t of response.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0) {
        throw new Error(`OffsetCommit of partition ${p.partitionIndex}: error code ${p.errorCode}`);
      }
      count++;
    }
  }
  return count;
}

/** The same OffsetCommit of `partitions` partitions, again and again. */
export function commitTraffic(
  groupId: string,
  topic: string,
  partitions: number,
  ringSize: number,
): PipelinedTraffic {
  const template = encodeRequest(
    Apis.OffsetCommit,
    OFFSET_COMMIT_VERSION,
    0,
    commitRequest(groupId, topic, partitions),
  );
  return {
    frame: frameRing(template, ringSize),
    settle: (id, frame) =>
      checkCommit(decodeResponse(Apis.OffsetCommit, OFFSET_COMMIT_VERSION, id, frame)),
  };
}

/**
 * For each k in `perRequest`: Produce of k-record batches to `produceTopic` (the baseline) and
 * OffsetCommit of k partitions of `commitTopic`, interleaved in rounds.
 */
export async function benchCommits(
  server: BenchServer,
  settings: CommitSettings,
  produceTopic: string,
  commitTopic: string,
  perRequest: readonly number[],
): Promise<CommitRow[]> {
  const rows: CommitRow[] = [];
  const ring = Math.max(16, settings.inFlight * 2);
  for (const k of perRequest) {
    const produce = new SlicedCase(
      `Produce acks=1, ${k} x 100 B record${k === 1 ? '' : 's'} per request`,
      server,
      buildProduceFrames(produceTopic, { recordBytes: 100, recordsPerBatch: k }, 1, ring),
    );
    const commit = new SlicedCase(
      `OffsetCommit, ${k} partition${k === 1 ? '' : 's'} per request`,
      server,
      commitTraffic(`bench-commits-${k}`, commitTopic, k, ring),
    );
    const sliceMs = (settings.seconds * 1000) / settings.rounds;
    try {
      for (let round = 0; round < settings.rounds; round++) {
        const order = round % 2 === 0 ? [produce, commit] : [commit, produce];
        for (const c of order) await c.slice(server.port, settings, sliceMs);
      }
    } finally {
      produce.close();
      commit.close();
    }
    const baseline = produce.row(null);
    rows.push(baseline, commit.row(baseline));
  }
  return rows;
}

/** FindCoordinator for a group; the first one creates `__consumer_offsets`. */
export async function findCoordinator(conn: FrameConnection, groupId: string): Promise<void> {
  const found = await conn.request(Apis.FindCoordinator, 4, {
    keyType: 0,
    coordinatorKeys: [groupId],
  });
  if (found.coordinators[0]?.errorCode !== 0) {
    throw new Error(`FindCoordinator failed: error code ${found.coordinators[0]?.errorCode}`);
  }
}

/** Resident set size of a process in bytes, from /proc (Linux); null elsewhere. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]) * 1024;
  } catch {
    return null;
  }
}

export interface MemoryRow {
  readonly groups: number;
  readonly rss: number | null;
}

/**
 * The broker's RSS when idle (after `__consumer_offsets` exists), then after each step of
 * `steps` (cumulative group counts), every new group committing `partitions` partitions once.
 * Each reading follows a short pause, so the broker's garbage collector may run first.
 */
export async function benchGroupMemory(
  server: BenchServer,
  topic: string,
  partitions: number,
  steps: readonly number[],
  connections = 8,
): Promise<MemoryRow[]> {
  const conns: FrameConnection[] = [];
  try {
    for (let i = 0; i < connections; i++) conns.push(await FrameConnection.open(server.port));
    await findCoordinator(conns[0]!, 'bench-memory-0');
    await sleep(1000);
    const rows: MemoryRow[] = [{ groups: 0, rss: rssBytes(server.pid) }];
    let created = 0;
    for (const target of steps) {
      let next = created;
      const started = performance.now();
      // Each connection commits for the next group not yet taken, one request at a time.
      await Promise.all(
        conns.map(async (conn) => {
          while (next < target && performance.now() - started < 120_000) {
            const g = next++;
            const response = await conn.request(
              Apis.OffsetCommit,
              OFFSET_COMMIT_VERSION,
              commitRequest(`bench-memory-${g}`, topic, partitions),
            );
            checkCommit(response);
          }
        }),
      );
      if (next < target) throw new Error(`Only ${next} of ${target} groups committed in 120 s`);
      created = target;
      await sleep(1000);
      rows.push({ groups: created, rss: rssBytes(server.pid) });
    }
    return rows;
  } finally {
    for (const c of conns) c.close();
  }
}
