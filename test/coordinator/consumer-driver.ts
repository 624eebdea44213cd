// Drivers for the KIP-848 consumer group tests: a shard over a fake clock and a mutable topics
// view, ConsumerGroupHeartbeat request builders, and a client model that tracks what a
// well-behaved consumer owns.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  ConsumerGroup,
  GroupCoordinatorShard,
  type CoordinatorRecord,
  type GroupCoordinatorConfig,
  type RequestContext,
  type TopicsView,
} from '../../src/coordinator/group/index.js';
import type {
  ConsumerGroupHeartbeatRequest,
  ConsumerGroupHeartbeatResponse,
} from '../../src/protocol/generated/api/consumer-group-heartbeat.js';

export const START = 1_000_000;

/** A topics view the test changes: name → partitions; ids are derived from the name. */
export class FakeTopics implements TopicsView {
  readonly #partitions = new Map<string, number>();
  readonly #ids = new Map<string, string>();

  constructor(topics: Record<string, number> = {}) {
    for (const [name, n] of Object.entries(topics)) this.set(name, n);
  }

  /** A stable 22-character base64url id per name (and a fresh one when a name is re-created). */
  static idFor(name: string, generation = 0): string {
    return createHash('md5').update(`${name}#${generation}`).digest('base64url');
  }

  set(name: string, partitions: number, generation = 0): void {
    this.#partitions.set(name, partitions);
    this.#ids.set(name, FakeTopics.idFor(name, generation));
  }

  delete(name: string): void {
    this.#partitions.delete(name);
    this.#ids.delete(name);
  }

  id(name: string): string {
    const id = this.#ids.get(name);
    assert.ok(id !== undefined, `no topic ${name}`);
    return id;
  }

  byName(name: string): { topicId: string; partitions: number } | undefined {
    const partitions = this.#partitions.get(name);
    const topicId = this.#ids.get(name);
    return partitions === undefined || topicId === undefined ? undefined : { topicId, partitions };
  }

  byId(topicId: string): { name: string; partitions: number } | undefined {
    for (const [name, id] of this.#ids) {
      if (id === topicId) return { name, partitions: this.#partitions.get(name)! };
    }
    return undefined;
  }

  names(): Iterable<string> {
    return [...this.#partitions.keys()];
  }
}

export interface ConsumerDriver {
  shard: GroupCoordinatorShard;
  topics: FakeTopics;
  clock: { now: number };
  /** Every record the shard emitted, in order. */
  log: CoordinatorRecord[];
  ctx: (apiVersion?: number, clientId?: string) => RequestContext;
  record: <T>(result: { response: T; records: CoordinatorRecord[] }) => T;
  advance: (ms: number) => void;
}

export function consumerDriver(
  topics: Record<string, number> = {},
  config: Partial<GroupCoordinatorConfig> = {},
): ConsumerDriver {
  const clock = { now: START };
  const view = new FakeTopics(topics);
  let n = 0;
  const shard = new GroupCoordinatorShard({
    clock: () => clock.now,
    newId: () => `gen${++n}`,
    config: { groupInitialRebalanceDelayMs: 0, ...config },
    topics: view,
  });
  const log: CoordinatorRecord[] = [];
  const record = <T>(result: { response: T; records: CoordinatorRecord[] }): T => {
    log.push(...result.records);
    return result.response;
  };
  return {
    shard,
    topics: view,
    clock,
    log,
    ctx: (apiVersion = 1, clientId = 'client') => ({
      apiVersion,
      clientId,
      clientHost: '/127.0.0.1',
    }),
    record,
    advance: (ms) => {
      clock.now += ms;
      record(shard.tick(clock.now));
    },
  };
}

/** A ConsumerGroupHeartbeat request: a join (epoch 0) unless `overrides` say otherwise. */
export function hbRequest(
  groupId: string,
  memberId: string,
  overrides: Partial<ConsumerGroupHeartbeatRequest> = {},
): ConsumerGroupHeartbeatRequest {
  return {
    groupId,
    memberId,
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    ...overrides,
  };
}

export function consumerGroup(d: ConsumerDriver, groupId: string): ConsumerGroup {
  const group = d.shard.groups.get(groupId);
  assert.ok(group instanceof ConsumerGroup, `${groupId} is not a consumer group`);
  return group;
}

/** Partitions by topic name, each list sorted, from a response's topic-id lists. */
export function byName(
  d: ConsumerDriver,
  tps: readonly { topicId: string; partitions: readonly number[] }[] | null | undefined,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const tp of tps ?? []) {
    const name = d.topics.byId(tp.topicId)?.name ?? tp.topicId;
    out[name] = [...tp.partitions].sort((a, b) => a - b);
  }
  return out;
}

/**
 * A consumer as the Java client behaves: it remembers its member id, epoch and the partitions it
 * owns, joins with epoch 0, and acknowledges a new assignment by reporting it as owned.
 */
export class Consumer {
  readonly d: ConsumerDriver;
  readonly groupId: string;
  readonly memberId: string;
  epoch = 0;
  owned: { topicId: string; partitions: number[] }[] = [];
  /** What it owned before the last assignment: a slow client still reports it. */
  previouslyOwned: { topicId: string; partitions: number[] }[] = [];
  instanceId: string | null;
  subscription: string[];
  regex: string | null;
  assignor: string | null;
  last: ConsumerGroupHeartbeatResponse | undefined;

  constructor(
    d: ConsumerDriver,
    groupId: string,
    memberId: string,
    options: {
      topics?: string[];
      regex?: string | null;
      instanceId?: string | null;
      assignor?: string | null;
    } = {},
  ) {
    this.d = d;
    this.groupId = groupId;
    this.memberId = memberId;
    this.subscription = options.topics ?? [];
    this.regex = options.regex ?? null;
    this.instanceId = options.instanceId ?? null;
    this.assignor = options.assignor ?? null;
  }

  /** Sends a heartbeat; a join (epoch 0) sends everything, later ones only epoch and owned. */
  heartbeat(
    overrides: Partial<ConsumerGroupHeartbeatRequest> = {},
  ): ConsumerGroupHeartbeatResponse {
    const joining = this.epoch === 0;
    const req = hbRequest(this.groupId, this.memberId, {
      memberEpoch: this.epoch,
      instanceId: this.instanceId,
      rebalanceTimeoutMs: joining ? 30_000 : -1,
      subscribedTopicNames: joining && this.regex === null ? this.subscription : null,
      subscribedTopicRegex: joining ? this.regex : null,
      serverAssignor: joining ? this.assignor : null,
      topicPartitions: joining ? [] : this.owned.map((tp) => ({ ...tp })),
      ...overrides,
    });
    const res = this.d.record(this.d.shard.consumerGroupHeartbeat(req, this.d.ctx()));
    this.last = res;
    if (res.errorCode === 0) {
      if (req.memberEpoch >= 0) this.epoch = res.memberEpoch;
      if (res.assignment !== null) {
        this.previouslyOwned = this.owned;
        this.owned = res.assignment.topicPartitions.map((tp) => ({
          topicId: tp.topicId,
          partitions: [...tp.partitions],
        }));
      }
    }
    return res;
  }

  /** The partitions it owns, by topic name. */
  ownedByName(): Record<string, number[]> {
    return byName(this.d, this.owned);
  }

  leave(epoch: -1 | -2 = -1): ConsumerGroupHeartbeatResponse {
    const res = this.heartbeat({ memberEpoch: epoch, topicPartitions: null });
    if (res.errorCode === 0) {
      this.epoch = 0;
      this.owned = [];
    }
    return res;
  }
}

/** Heartbeats every consumer (each in turn) until none changes epoch or ownership. */
export function converge(consumers: Consumer[], rounds = 10): void {
  for (let i = 0; i < rounds; i++) {
    let changed = false;
    for (const c of consumers) {
      const before = JSON.stringify([c.epoch, c.owned]);
      c.heartbeat();
      if (JSON.stringify([c.epoch, c.owned]) !== before) changed = true;
    }
    if (!changed) return;
  }
}
