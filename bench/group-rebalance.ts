// The groups benchmark's rebalance cases. N members of one group are Stable on a topic; a new
// member joins; the time measured runs from the new member's first JoinGroup to the moment the
// last member (old or new) holds its assignment of the new generation, i.e. every member could
// consume again. Then the new member leaves, the N settle again, and the next repetition starts.
//
// Members are group-member.ts drivers (raw sockets, the project's codecs, heartbeats every
// `heartbeatMs`), or, as a cross-check, KafkaJS consumers timed by their GROUP_JOIN events. The
// baseline, measured before every repetition in the same conditions (the group heartbeating),
// is the round trip of N+1 concurrent ApiVersions requests on N+1 other connections: the network
// and framing cost that any step involving every member pays at least once.
//
// Timestamps are taken where each event happens (a SyncGroup answer decoded, a GROUP_JOIN
// emitted); the 2 ms polling below only decides when to look at them. Every wait is bounded.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { Apis } from '../src/protocol/generated/index.js';
import { FrameConnection } from './frame-connection.js';
import { GroupMember, type MemberSettings } from './group-member.js';

export interface RebalanceSettings {
  readonly port: number;
  readonly topic: string;
  readonly partitions: number;
  readonly heartbeatMs: number;
  /** Bound on each wait for a group to settle. */
  readonly timeoutMs: number;
}

export interface RebalanceResult {
  readonly label: string;
  readonly members: number;
  /** First JoinGroup (or KafkaJS run()) to the last member's new assignment, per repetition. */
  readonly totalMs: number[];
  /** First JoinGroup to the last old member's rejoin (raw driver only). */
  readonly rejoinedMs: number[];
  /** N+1 concurrent ApiVersions round trips, one per repetition. */
  readonly baselineMs: number[];
  error?: string;
}

const SESSION_TIMEOUT_MS = 30_000;
const REBALANCE_TIMEOUT_MS = 60_000;
const POLL_MS = 2;

async function waitFor(what: string, timeoutMs: number, done: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${what}`);
    await sleep(POLL_MS);
  }
}

/** True when the lists are disjoint, none empty, and together hold partitions 0..count-1. */
function coversOnce(lists: readonly (readonly number[])[], count: number): boolean {
  const seen = new Uint8Array(count);
  let total = 0;
  for (const list of lists) {
    if (list.length === 0) return false;
    for (const p of list) {
      if (p < 0 || p >= count || seen[p] === 1) return false;
      seen[p] = 1;
      total++;
    }
  }
  return total === count;
}

/** Time until every connection has its answer to one ApiVersions v3 sent to all at once. */
async function concurrentRoundTrip(conns: readonly FrameConnection[]): Promise<number> {
  const start = performance.now();
  const answers = await Promise.all(
    conns.map((c) =>
      c.request(Apis.ApiVersions, 3, {
        clientSoftwareName: 'samsa-bench',
        clientSoftwareVersion: '0',
      }),
    ),
  );
  const elapsed = performance.now() - start;
  const failed = answers.find((a) => a.errorCode !== 0);
  if (failed !== undefined) throw new Error(`ApiVersions failed: error code ${failed.errorCode}`);
  return elapsed;
}

async function openProbes(port: number, count: number): Promise<FrameConnection[]> {
  const probes: FrameConnection[] = [];
  for (let i = 0; i < count; i++) probes.push(await FrameConnection.open(port));
  return probes;
}

/** Waits until every member synced at one generation of at least `min`; returns it. */
async function settled(
  members: readonly GroupMember[],
  min: number,
  timeoutMs: number,
): Promise<number> {
  let generation = -1;
  await waitFor(`${members.length} members settling at generation ${min}+`, timeoutMs, () => {
    const failed = members.find((m) => m.failure !== null);
    if (failed !== undefined) throw failed.failure!;
    generation = members[0]!.generation;
    return generation >= min && members.every((m) => m.generation === generation);
  });
  return generation;
}

function emptyResult(label: string, members: number): RebalanceResult {
  return { label, members, totalMs: [], rejoinedMs: [], baselineMs: [] };
}

/** N raw-driver members Stable, then `reps` times: one joins, everyone syncs, it leaves. */
export async function rawRebalance(
  s: RebalanceSettings,
  n: number,
  reps: number,
): Promise<RebalanceResult> {
  const result = emptyResult(`raw driver, ${n} + 1 joining`, n);
  const settings: MemberSettings = {
    groupId: `bench-rebalance-${n}`,
    topic: s.topic,
    heartbeatMs: s.heartbeatMs,
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    rebalanceTimeoutMs: REBALANCE_TIMEOUT_MS,
  };
  const members: GroupMember[] = [];
  const probes: FrameConnection[] = [];
  let joiner: GroupMember | null = null;
  try {
    for (let i = 0; i < n; i++) {
      members.push(await GroupMember.open(s.port, settings, s.partitions));
    }
    probes.push(...(await openProbes(s.port, n + 1)));
    for (const m of members) m.start();
    let generation = await settled(members, 1, s.timeoutMs);
    for (let rep = 0; rep < reps; rep++) {
      result.baselineMs.push(await concurrentRoundTrip(probes));
      // Join at a random point of the members' heartbeat cycle.
      await sleep(s.heartbeatMs * (1 + Math.random()));
      joiner = await GroupMember.open(s.port, settings, s.partitions);
      const all = [...members, joiner];
      const start = performance.now();
      joiner.start();
      generation = await settled(all, generation + 1, s.timeoutMs);
      const assignments = all.map((m) => m.assigned);
      if (!coversOnce(assignments, s.partitions)) {
        throw new Error(`Generation ${generation} does not assign every partition exactly once`);
      }
      result.totalMs.push(Math.max(...all.map((m) => m.syncedAt)) - start);
      result.rejoinedMs.push(Math.max(...members.map((m) => m.joinSentAt)) - start);
      await joiner.leave();
      await joiner.close();
      joiner = null;
      generation = await settled(members, generation + 1, s.timeoutMs);
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    await Promise.all([...members, ...(joiner === null ? [] : [joiner])].map((m) => m.close()));
    for (const p of probes) p.close();
  }
  return result;
}

interface TrackedConsumer {
  readonly consumer: Consumer;
  assigned: number[];
  /** When its last GROUP_JOIN event came (performance.now()), 0 before. */
  joinedAt: number;
}

/** The same measurement with KafkaJS consumers (eachBatch does nothing; the topic is empty). */
export async function kafkajsRebalance(
  s: RebalanceSettings,
  n: number,
  reps: number,
): Promise<RebalanceResult> {
  const result = emptyResult(`KafkaJS, ${n} + 1 joining`, n);
  const kafka = new Kafka({
    clientId: 'samsa-bench',
    brokers: [`127.0.0.1:${s.port}`],
    logLevel: logLevel.NOTHING,
  });
  const groupId = `bench-kafkajs-${n}`;
  const open = async (): Promise<TrackedConsumer> => {
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      heartbeatInterval: s.heartbeatMs,
      // An empty fetch returns after maxWaitTime, and KafkaJS heartbeats after each fetch.
      maxWaitTimeInMs: s.heartbeatMs,
    });
    const tracked: TrackedConsumer = { consumer, assigned: [], joinedAt: 0 };
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      tracked.joinedAt = performance.now();
      tracked.assigned = e.payload.memberAssignment[s.topic] ?? [];
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [s.topic] });
    return tracked;
  };
  const run = (t: TrackedConsumer): Promise<void> => t.consumer.run({ eachBatch: async () => {} });
  const settledSince = (all: readonly TrackedConsumer[], since: number): Promise<void> =>
    waitFor(
      `${all.length} KafkaJS consumers settling`,
      s.timeoutMs,
      () =>
        all.every((t) => t.joinedAt > since) &&
        coversOnce(
          all.map((t) => t.assigned),
          s.partitions,
        ),
    );
  const consumers: TrackedConsumer[] = [];
  const probes: FrameConnection[] = [];
  let joiner: TrackedConsumer | null = null;
  try {
    for (let i = 0; i < n; i++) consumers.push(await open());
    probes.push(...(await openProbes(s.port, n + 1)));
    await Promise.all(consumers.map(run));
    await settledSince(consumers, 0);
    for (let rep = 0; rep < reps; rep++) {
      result.baselineMs.push(await concurrentRoundTrip(probes));
      await sleep(s.heartbeatMs * (1 + Math.random()));
      joiner = await open();
      const all = [...consumers, joiner];
      const start = performance.now();
      await run(joiner);
      await settledSince(all, start);
      result.totalMs.push(Math.max(...all.map((t) => t.joinedAt)) - start);
      const left = performance.now();
      await joiner.consumer.disconnect();
      joiner = null;
      await settledSince(consumers, left);
    }
  } catch (err) {
    result.error = (err as Error).message;
  } finally {
    await Promise.all(
      [...consumers, ...(joiner === null ? [] : [joiner])].map((t) =>
        t.consumer.disconnect().catch(() => undefined),
      ),
    );
    for (const p of probes) p.close();
  }
  return result;
}
