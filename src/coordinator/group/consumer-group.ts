// A consumer group of the KIP-848 protocol (ConsumerGroupHeartbeat), Kafka's `ConsumerGroup`.
//
// Hard state, rebuilt from `__consumer_offsets` records only: the group epoch, the subscription
// metadata (the subscribed topics that exist, with id and partition count), the members (their
// subscription, and their current assignment with member epoch and reconciliation state), and the
// target assignment with its epoch. The shard changes it only by replaying records, so a live
// group and a group loaded from its partition are equal by construction.
//
// Derived from the hard state on every change: the group state (Empty → Assigning → Reconciling
// → Stable), the static members by instance id, and the epoch at which each partition is owned
// (assigned or pending revocation), which reconciliation uses to hand a partition to its new
// owner only once the previous owner has revoked it.
//
// Soft state, kept in memory only as in Kafka: session and rebalance deadlines, and whether the
// subscription metadata must be recomputed on the next heartbeat (after a load).

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import { EMPTY_ASSIGNMENT, compareStrings, type Assignment } from './assignment.js';
import { resolveTopicRegex } from './topic-regex.js';

const E = ErrorCodes;

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

/** Kafka's MemberState; the record stores `MEMBER_STATE_VALUES[state]` as an int8. */
export type MemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';

export const MEMBER_STATE_VALUES: Record<MemberState, number> = {
  STABLE: 0,
  UNREVOKED_PARTITIONS: 1,
  UNRELEASED_PARTITIONS: 2,
  UNKNOWN: 127,
};

export function memberStateFromValue(value: number): MemberState {
  switch (value) {
    case 0:
      return 'STABLE';
    case 1:
      return 'UNREVOKED_PARTITIONS';
    case 2:
      return 'UNRELEASED_PARTITIONS';
    default:
      return 'UNKNOWN';
  }
}

/** Member epoch of a member that left (and of one whose assignment was tombstoned). */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
/** Member epoch of a static member that left temporarily and keeps its partitions. */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

/** One member, an immutable value: changes build a new member. */
export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** Sorted, without duplicates. */
  readonly subscribedTopicNames: readonly string[];
  /** '' when the member does not subscribe with a regex, as Kafka stores it. */
  readonly subscribedTopicRegex: string;
  readonly serverAssignor: string | null;
  readonly assignedPartitions: Assignment;
  readonly partitionsPendingRevocation: Assignment;
}

/** A member as Kafka's builder creates it before its first record. */
export function newConsumerGroupMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: 'STABLE',
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: '',
    serverAssignor: null,
    assignedPartitions: EMPTY_ASSIGNMENT,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT,
  };
}

/** Whether the persisted subscription part (ConsumerGroupMemberMetadataValue) differs. */
export function memberMetadataEquals(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.serverAssignor === b.serverAssignor &&
    sameNames(a.subscribedTopicNames, b.subscribedTopicNames)
  );
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

export function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort(compareStrings);
}

/** A subscribed topic that exists: the group's persisted view of it (subscription metadata). */
export interface TopicMetadata {
  readonly topicId: string;
  readonly name: string;
  readonly numPartitions: number;
}

export function subscriptionMetadataEquals(
  a: ReadonlyMap<string, TopicMetadata>,
  b: ReadonlyMap<string, TopicMetadata>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const o = b.get(name);
    if (o?.topicId !== t.topicId || o.numPartitions !== t.numPartitions) return false;
  }
  return true;
}

/** What the group needs to know about topics: the shard's TopicsView, narrowed. */
export interface TopicNames {
  names(): Iterable<string>;
}

export class ConsumerGroup {
  readonly groupId: string;
  /** The protocol type DescribeGroups and ListGroups report for this group. */
  readonly protocolType = 'consumer';
  groupEpoch = 0;
  /** The epoch of `targetAssignment`; -1 once its metadata record was tombstoned. */
  assignmentEpoch = 0;
  state: ConsumerGroupState = 'Empty';
  /** Insertion-ordered by first record. */
  readonly members = new Map<string, ConsumerGroupMember>();
  readonly targetAssignment = new Map<string, Assignment>();
  /** Subscribed topics that exist, by topic name. */
  subscriptionMetadata: ReadonlyMap<string, TopicMetadata> = new Map();

  /** instance id → member id. */
  readonly #staticMembers = new Map<string, string>();
  /** topic id → partition → epoch of the member owning it (assigned or pending revocation). */
  readonly #partitionEpochs = new Map<string, Map<number, number>>();

  // Soft state (never persisted).
  /** member id → clock time after which the member is fenced. */
  readonly sessionDeadlines = new Map<string, number>();
  /** member id → the epoch it must leave, by when, while it has partitions to revoke. */
  readonly rebalanceDeadlines = new Map<string, { epoch: number; deadline: number }>();
  /** True until a heartbeat (or a topic change) recomputed the subscription metadata. */
  metadataRefreshNeeded = true;

  constructor(groupId: string) {
    this.groupId = groupId;
  }

  isEmpty(): boolean {
    return this.members.size === 0;
  }

  staticMemberId(instanceId: string | null): string | undefined {
    return instanceId === null ? undefined : this.#staticMembers.get(instanceId);
  }

  staticMember(instanceId: string | null): ConsumerGroupMember | undefined {
    const id = this.staticMemberId(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  /** The target of a member; a static member inherits its predecessor's, as in Kafka. */
  targetAssignmentOf(memberId: string, instanceId: string | null): Assignment {
    if (instanceId === null) return this.targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT;
    const previous = this.staticMemberId(instanceId);
    return previous === undefined
      ? EMPTY_ASSIGNMENT
      : (this.targetAssignment.get(previous) ?? EMPTY_ASSIGNMENT);
  }

  /** The epoch of the member owning a partition, or -1 when it is free. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.#partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  /**
   * The server assignor most members ask for, ties broken by `preference` (the configured
   * order) then by name, or null when no member names one. `replace` as in
   * `subscribedTopicNames`.
   */
  preferredServerAssignor(
    preference: readonly string[],
    replace: ReadonlyMap<string, ConsumerGroupMember | null> = new Map(),
  ): string | null {
    const counts = new Map<string, number>();
    const count = (m: ConsumerGroupMember): void => {
      if (m.serverAssignor !== null) {
        counts.set(m.serverAssignor, (counts.get(m.serverAssignor) ?? 0) + 1);
      }
    };
    for (const m of this.members.values()) if (!replace.has(m.memberId)) count(m);
    for (const m of replace.values()) if (m !== null) count(m);
    const rank = (name: string): number => {
      const i = preference.indexOf(name);
      return i < 0 ? preference.length : i;
    };
    let best: string | null = null;
    let bestCount = 0;
    for (const [name, n] of counts) {
      const better =
        best === null ||
        n > bestCount ||
        (n === bestCount &&
          (rank(name) < rank(best) || (rank(name) === rank(best) && name < best)));
      if (better) {
        best = name;
        bestCount = n;
      }
    }
    return best;
  }

  /**
   * Every topic name the members subscribe to: their names and the current resolution of their
   * regexes against `topics`. `replace` substitutes members (null removes one) for a change not
   * applied yet.
   */
  subscribedTopicNames(
    topics: TopicNames,
    replace: ReadonlyMap<string, ConsumerGroupMember | null> = new Map(),
  ): Set<string> {
    const names = new Set<string>();
    const regexes = new Set<string>();
    const add = (m: ConsumerGroupMember): void => {
      for (const n of m.subscribedTopicNames) names.add(n);
      if (m.subscribedTopicRegex !== '') regexes.add(m.subscribedTopicRegex);
    };
    for (const m of this.members.values()) if (!replace.has(m.memberId)) add(m);
    for (const m of replace.values()) if (m !== null) add(m);
    if (regexes.size > 0) {
      const all = [...topics.names()];
      for (const regex of regexes) for (const n of resolveTopicRegex(regex, all)) names.add(n);
    }
    return names;
  }

  // ---- Offsets (Kafka's ConsumerGroup.validateOffsetCommit/Fetch) ----------------------------

  /** The error code of an OffsetCommit against this group, NONE when it may commit. */
  validateOffsetCommit(
    memberId: string,
    memberEpoch: number,
    apiVersion: number,
    isTransactional = false,
  ): number {
    // Epoch -1 with no members: the admin client or a consumer without group management.
    if (memberEpoch < 0 && this.isEmpty()) return E.NONE.code;
    // TxnOffsetCommit does not have to name the member; it is checked only when it does.
    if (isTransactional && memberEpoch < 0 && memberId === '') return E.NONE.code;
    const member = this.members.get(memberId);
    if (member === undefined) return E.UNKNOWN_MEMBER_ID.code;
    // Members of the consumer protocol commit with OffsetCommit v9+ (KIP-848).
    if (!isTransactional && apiVersion < 9) return E.UNSUPPORTED_VERSION.code;
    if (memberEpoch !== member.memberEpoch) return E.STALE_MEMBER_EPOCH.code;
    return E.NONE.code;
  }

  /** The error code of an OffsetFetch (v9+ names the member), NONE when it may fetch. */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): number {
    if (memberId === null && memberEpoch < 0) return E.NONE.code;
    const member = memberId === null ? undefined : this.members.get(memberId);
    if (member === undefined) return E.UNKNOWN_MEMBER_ID.code;
    if (memberEpoch !== member.memberEpoch) return E.STALE_MEMBER_EPOCH.code;
    return E.NONE.code;
  }

  // ---- Mutations, called by replay only ------------------------------------------------------

  updateMember(member: ConsumerGroupMember): void {
    const old = this.members.get(member.memberId);
    if (old !== undefined) {
      this.#removePartitionEpochs(old);
      if (old.instanceId !== null && old.instanceId !== member.instanceId) {
        if (this.#staticMembers.get(old.instanceId) === old.memberId) {
          this.#staticMembers.delete(old.instanceId);
        }
      }
    }
    this.members.set(member.memberId, member);
    this.#addPartitionEpochs(member);
    if (member.instanceId !== null) this.#staticMembers.set(member.instanceId, member.memberId);
    this.updateState();
  }

  removeMember(memberId: string): void {
    const old = this.members.get(memberId);
    if (old === undefined) return;
    this.members.delete(memberId);
    this.#removePartitionEpochs(old);
    if (old.instanceId !== null && this.#staticMembers.get(old.instanceId) === memberId) {
      this.#staticMembers.delete(old.instanceId);
    }
    this.sessionDeadlines.delete(memberId);
    this.rebalanceDeadlines.delete(memberId);
    this.updateState();
  }

  setTargetAssignment(memberId: string, assignment: Assignment | null): void {
    if (assignment === null) this.targetAssignment.delete(memberId);
    else this.targetAssignment.set(memberId, assignment);
  }

  /** Kafka's maybeUpdateGroupState. */
  updateState(): void {
    if (this.members.size === 0) this.state = 'Empty';
    else if (this.groupEpoch > this.assignmentEpoch) this.state = 'Assigning';
    else {
      let reconciled = true;
      for (const m of this.members.values()) {
        if (!isReconciledTo(m, this.assignmentEpoch)) {
          reconciled = false;
          break;
        }
      }
      this.state = reconciled ? 'Stable' : 'Reconciling';
    }
  }

  #addPartitionEpochs(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [topicId, partitions] of a) {
        let epochs = this.#partitionEpochs.get(topicId);
        if (epochs === undefined) this.#partitionEpochs.set(topicId, (epochs = new Map()));
        for (const p of partitions) epochs.set(p, m.memberEpoch);
      }
    }
  }

  #removePartitionEpochs(m: ConsumerGroupMember): void {
    for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
      for (const [topicId, partitions] of a) {
        const epochs = this.#partitionEpochs.get(topicId);
        if (epochs === undefined) continue;
        for (const p of partitions) {
          // Only the owner's entry: a partition is owned by one member at a time.
          if (epochs.get(p) === m.memberEpoch) epochs.delete(p);
        }
        if (epochs.size === 0) this.#partitionEpochs.delete(topicId);
      }
    }
  }
}

/** A member has converged on the target of `epoch` and has nothing left to do. */
export function isReconciledTo(m: ConsumerGroupMember, epoch: number): boolean {
  return m.state === 'STABLE' && m.memberEpoch === epoch;
}
