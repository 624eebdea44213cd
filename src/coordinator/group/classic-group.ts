// A classic-protocol consumer group (JoinGroup/SyncGroup), Kafka's `ClassicGroup`.
//
// States, as in Kafka: Empty → PreparingRebalance → CompletingRebalance → Stable, and Dead once
// deleted. Invariants: `leaderId` is a member id (or null when there are no members); a
// group.instance.id maps to at most one member (static membership, KIP-345); assignments are
// non-empty only in Stable. Static members that did not rejoin stay in the next generation (only
// their session timeout removes them), so CompletingRebalance and Stable may hold members that did
// not join it. What is persisted is exactly `toRecordValue()`; the in-flight parts (pending
// joins/syncs, deadlines, pending member ids) live only in memory, as in Kafka.

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import { Reader } from '../../protocol/primitives/index.js';
import type { JoinGroupResponse } from '../../protocol/generated/api/join-group.js';
import type { SyncGroupResponse } from '../../protocol/generated/api/sync-group.js';
import type { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';
import type { OffsetAndMetadata } from './offset-store.js';

export type ClassicGroupState =
  'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

/** A response the coordinator will give later, resolved by a subsequent call on the shard. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface ClassicGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  /**
   * Clock time after which the member is expired, unless it waits in a join or sync and is not
   * new (Kafka's hasSatisfiedHeartbeat).
   */
  heartbeatDeadline: number;
  /**
   * Added by a JoinGroup and not yet through a completed join phase: it cannot heartbeat yet, so
   * its deadline is Kafka's new-member join timeout and waiting in the join does not protect it.
   */
  isNew: boolean;
  awaitingJoin: Deferred<JoinGroupResponse> | null;
  awaitingSync: Deferred<SyncGroupResponse> | null;
}

const EMPTY = Buffer.alloc(0);
const E = ErrorCodes;

export class ClassicGroup {
  readonly groupId: string;
  state: ClassicGroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  currentStateTimestamp = -1n;
  /** Insertion-ordered; the first member becomes leader when there is none. */
  readonly members = new Map<string, ClassicGroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, mapped to the time they expire. */
  readonly pendingMembers = new Map<string, number>();
  /** Members of this generation that have not sent SyncGroup yet (Kafka's pendingSyncMembers). */
  readonly pendingSyncMembers = new Set<string>();
  /** When the join phase (PreparingRebalance) times out, or the initial delay next expires. */
  phaseDeadline = Number.POSITIVE_INFINITY;
  /** When members still in `pendingSyncMembers` are removed (Kafka's pending-sync expiry). */
  syncDeadline = Number.POSITIVE_INFINITY;
  /**
   * True while a rebalance that started from Empty waits `group.initial.rebalance.delay.ms`
   * (Kafka: previousState == Empty); the join phase then completes only when the delay expires.
   */
  initialDelay = false;
  /** Whether `phaseDeadline` is the initial delay's timer rather than the rebalance timeout. */
  initialDelayTimer = false;
  /** The initial delay of the wait now running, and the rebalance time left after it. */
  initialDelayMs = 0;
  initialRemainingMs = 0;
  /** A member was added during the initial delay, so the delay is extended once more. */
  newMemberAdded = false;

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Kafka's hasAllMembersJoined: every member waits in a join and no member id is pending. */
  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (m.awaitingJoin === null) return false;
    return true;
  }

  /** Protocols every member supports, in the order of the first member's preference. */
  candidateProtocols(): string[] {
    let candidates: string[] | null = null;
    for (const m of this.members.values()) {
      const names = m.protocols.map((p) => p.name);
      candidates = candidates === null ? names : candidates.filter((n) => names.includes(n));
    }
    return candidates ?? [];
  }

  /** Whether a joining member with these protocols is compatible with the current members. */
  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.state === 'Empty') return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== protocolType) return false;
    const candidates = this.candidateProtocols();
    return protocols.some((p) => candidates.includes(p.name));
  }

  /** Kafka's vote: each member votes for its most preferred candidate; most votes wins. */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.includes(p.name));
      if (choice !== undefined) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = candidates[0] ?? '';
    for (const name of candidates) {
      if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    }
    return best;
  }

  memberMetadata(member: ClassicGroupMember, protocol: string | null): Buffer {
    return member.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  findByInstanceId(instanceId: string): ClassicGroupMember | undefined {
    for (const m of this.members.values()) if (m.groupInstanceId === instanceId) return m;
    return undefined;
  }

  /**
   * Kafka's validateMember: a group.instance.id must map to exactly this member id (unknown →
   * UNKNOWN_MEMBER_ID, mapped to another member → FENCED_INSTANCE_ID), and the member must exist.
   */
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.findByInstanceId(groupInstanceId);
      if (existing === undefined) return E.UNKNOWN_MEMBER_ID.code;
      if (existing.memberId !== memberId) return E.FENCED_INSTANCE_ID.code;
    }
    return this.members.has(memberId) ? E.NONE.code : E.UNKNOWN_MEMBER_ID.code;
  }

  /**
   * Kafka's ClassicGroup.validateOffsetCommit: generation -1 commits while the group is Empty;
   * anything naming a member or a generation must be a member of the current generation; a plain
   * commit between JoinGroup and the assignment gets REBALANCE_IN_PROGRESS. A transactional
   * commit (TxnOffsetCommit) naming no member and no generation — what v0-2 send, and KafkaJS's
   * sendOffsets — is accepted whatever the group's state, as Kafka accepts it.
   */
  validateOffsetCommit(
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    isTransactional = false,
  ): number {
    if (this.state === 'Dead') return E.COORDINATOR_NOT_AVAILABLE.code;
    if (generationId < 0 && this.state === 'Empty') return E.NONE.code;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const error = this.validateMember(memberId, groupInstanceId);
      if (error !== E.NONE.code) return error;
      if (generationId !== this.generationId) return E.ILLEGAL_GENERATION.code;
    } else if (!isTransactional && this.state !== 'Empty') {
      return E.UNKNOWN_MEMBER_ID.code;
    }
    if (!isTransactional && this.state === 'CompletingRebalance') {
      return E.REBALANCE_IN_PROGRESS.code;
    }
    return E.NONE.code;
  }

  /** Moves to `state`, stamping the time as Kafka's transitionTo does. */
  transitionTo(state: ClassicGroupState, now: number): void {
    this.state = state;
    this.currentStateTimestamp = BigInt(now);
  }

  /** The persisted form; `currentStateTimestamp` is when the group entered its current state. */
  toRecordValue(): GroupMetadataValue {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: this.currentStateTimestamp,
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: this.memberMetadata(m, this.protocolName),
        assignment: m.assignment,
      })),
    };
  }

  /** Rebuilds a group from its persisted record, as Kafka does when loading the partition. */
  static fromRecordValue(groupId: string, value: GroupMetadataValue, now: number): ClassicGroup {
    const group = new ClassicGroup(groupId);
    group.generationId = value.generation;
    group.protocolType = value.protocolType === '' ? null : value.protocolType;
    group.protocolName = value.protocol;
    group.leaderId = value.leader;
    group.currentStateTimestamp = value.currentStateTimestamp;
    for (const m of value.members) {
      group.members.set(m.memberId, {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        // Records from before KIP-62 have no rebalance timeout; Kafka uses the session timeout.
        rebalanceTimeoutMs: m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocolType: value.protocolType,
        protocols: [{ name: value.protocol ?? '', metadata: m.subscription }],
        assignment: m.assignment,
        heartbeatDeadline: now + m.sessionTimeout,
        isNew: false,
        awaitingJoin: null,
        awaitingSync: null,
      });
    }
    group.state = group.isEmpty() ? 'Empty' : 'Stable';
    return group;
  }

  /**
   * Kafka's ClassicGroup.offsetExpirationCondition: the time an offset's retention counts from,
   * or null while this group's offsets cannot expire. A group with a protocol type expires its
   * offsets once Empty, counted from when it became Empty (or from the commit if that time is
   * unknown); a Stable consumer-protocol group with known subscriptions expires the offsets of
   * topics nobody subscribes to, counted from the commit; a simple group (no protocol type)
   * counts from the commit.
   */
  offsetExpirationBase(): ((offset: OffsetAndMetadata) => bigint) | null {
    if (this.protocolType === null) return (o) => o.commitTimestamp;
    if (this.state === 'Empty') {
      const since = this.currentStateTimestamp;
      return (o) => (since >= 0n ? since : o.commitTimestamp);
    }
    if (
      this.protocolType === 'consumer' &&
      this.state === 'Stable' &&
      this.subscribedTopics() !== null
    ) {
      return (o) => o.commitTimestamp;
    }
    return null;
  }

  /**
   * Kafka's isSubscribedToTopic: with the consumer protocol and members, whether any member
   * subscribes to `topic` (true when the subscriptions cannot be parsed); otherwise false.
   */
  isSubscribedToTopic(topic: string): boolean {
    if (this.protocolType !== 'consumer' || this.isEmpty()) return false;
    return this.subscribedTopics()?.has(topic) ?? true;
  }

  /** The group's subscribed topics when it uses the consumer protocol, else null (unknown). */
  subscribedTopics(): Set<string> | null {
    if (this.protocolType !== 'consumer' || this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      try {
        // ConsumerProtocolSubscription: int16 version, then an array of topic names.
        const r = new Reader(this.memberMetadata(m, this.protocolName));
        r.readInt16();
        for (let n = r.readInt32(); n > 0; n--) topics.add(r.readString());
      } catch {
        return null;
      }
    }
    return topics;
  }
}
