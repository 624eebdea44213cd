// A classic-protocol consumer group (JoinGroup/SyncGroup), Kafka's `ClassicGroup`.
//
// States, as in Kafka: Empty → PreparingRebalance → CompletingRebalance → Stable, and Dead once
// deleted. Invariants: `leaderId` is a member id (or null when there are no members); in
// CompletingRebalance and Stable every member joined the current generation; assignments are
// non-empty only in Stable. What is persisted is exactly `toRecordValue()`; the in-flight parts
// (pending joins/syncs, deadlines, pending member ids) live only in memory, as in Kafka.

import { Reader } from '../../protocol/primitives/index.js';
import type { JoinGroupResponse } from '../../protocol/generated/api/join-group.js';
import type { SyncGroupResponse } from '../../protocol/generated/api/sync-group.js';
import type { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';

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
  /** Clock time after which the member is expired unless it is waiting in a join or sync. */
  heartbeatDeadline: number;
  awaitingJoin: Deferred<JoinGroupResponse> | null;
  awaitingSync: Deferred<SyncGroupResponse> | null;
}

const EMPTY = Buffer.alloc(0);

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
  /** When the join phase (PreparingRebalance) or sync phase (CompletingRebalance) times out. */
  phaseDeadline = Number.POSITIVE_INFINITY;
  /** Start of the current rebalance, for the initial-delay cap. */
  rebalanceStart = 0;
  /** True while a freshly populated group waits `group.initial.rebalance.delay.ms`. */
  initialDelay = false;

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
    if (protocolType === '' || protocols.length === 0) return false;
    if (this.isEmpty()) return true;
    if (this.protocolType !== null && this.protocolType !== protocolType) return false;
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

  toRecordValue(now: number): GroupMetadataValue {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: BigInt(now),
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
        rebalanceTimeoutMs: m.rebalanceTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocolType: value.protocolType,
        protocols: [{ name: value.protocol ?? '', metadata: m.subscription }],
        assignment: m.assignment,
        heartbeatDeadline: now + m.sessionTimeout,
        awaitingJoin: null,
        awaitingSync: null,
      });
    }
    group.state = group.isEmpty() ? 'Empty' : 'Stable';
    return group;
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
