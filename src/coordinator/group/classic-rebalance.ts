// The rebalance machinery of a classic group, shared by the request paths in
// ClassicGroupManager: Kafka's prepareRebalance, maybeCompleteJoinPhase,
// completeClassicGroupJoin, the initial rebalance delay, propagateAssignment, and the timers
// (`tick`): session expiry (removeMemberAndUpdateClassicGroup), the join phase's rebalance
// timeout, pending member ids and pending syncs.
//
// Kafka arms a timer for each of these; here each is a deadline on the group or member, fired by
// `tick`, which is called often. A deadline already reached when it is set fires on the next tick.

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import { joinError, joinResponse, syncResponse } from './responses.js';
import type { ClassicGroup, ClassicGroupMember } from './classic-group.js';
import { groupMetadataRecord, type CoordinatorRecord } from './records.js';
import type { GroupCoordinatorShard } from './group-coordinator-shard.js';

const E = ErrorCodes;
const EMPTY = Buffer.alloc(0);

export class ClassicRebalance {
  readonly #shard: GroupCoordinatorShard;

  constructor(shard: GroupCoordinatorShard) {
    this.#shard = shard;
  }

  maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, records: CoordinatorRecord[]): void {
    if (
      group.state === 'Stable' ||
      group.state === 'CompletingRebalance' ||
      group.state === 'Empty'
    )
      this.prepareRebalance(group, records);
    else this.maybeCompleteJoinPhase(group, records);
  }

  prepareRebalance(group: ClassicGroup, records: CoordinatorRecord[]): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) m.assignment = EMPTY;
      this.propagateAssignment(group, E.REBALANCE_IN_PROGRESS.code);
    }
    group.pendingSyncMembers.clear();
    group.syncDeadline = Number.POSITIVE_INFINITY;
    const now = this.#shard.now();
    const isInitialRebalance = group.state === 'Empty';
    group.transitionTo('PreparingRebalance', now);
    group.initialDelay = isInitialRebalance;
    group.newMemberAdded = false;
    if (isInitialRebalance) {
      // The group is new: give more members time to join before the first generation.
      const delayMs = this.#shard.config.groupInitialRebalanceDelayMs;
      group.initialDelayMs = delayMs;
      group.initialRemainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      group.initialDelayTimer = true;
      // Like every timer here it fires from `tick`, even with a zero delay.
      group.phaseDeadline = now + delayMs;
      return;
    }
    group.initialDelayTimer = false;
    group.phaseDeadline = now + group.rebalanceTimeoutMs();
    if (group.allMembersJoined()) this.completeJoin(group, records);
  }

  /** Kafka's maybeCompleteJoinPhase: never during the initial delay. */
  maybeCompleteJoinPhase(group: ClassicGroup, records: CoordinatorRecord[]): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allMembersJoined()) {
      this.completeJoin(group, records);
    }
  }

  /** Kafka's tryCompleteInitialRebalanceElseSchedule, when the initial delay expires. */
  #initialDelayExpired(group: ClassicGroup, now: number, records: CoordinatorRecord[]): void {
    if (group.newMemberAdded && group.initialRemainingMs !== 0) {
      group.newMemberAdded = false;
      const delayMs = Math.min(
        this.#shard.config.groupInitialRebalanceDelayMs,
        group.initialRemainingMs,
      );
      group.initialRemainingMs = Math.max(group.initialRemainingMs - group.initialDelayMs, 0);
      group.initialDelayMs = delayMs;
      group.phaseDeadline = now + delayMs;
    } else {
      this.completeJoin(group, records);
    }
  }

  /**
   * Kafka's completeClassicGroupJoin: drops dynamic members that did not rejoin, then starts the
   * next generation. Static members stay; if only they remain and none rejoined, the phase waits
   * another rebalance timeout.
   */
  completeJoin(group: ClassicGroup, records: CoordinatorRecord[]): void {
    group.phaseDeadline = Number.POSITIVE_INFINITY;
    group.initialDelayTimer = false;
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null && m.groupInstanceId === null) {
        this.removeMember(group, m, E.UNKNOWN_MEMBER_ID.code);
      }
    }
    const now = this.#shard.now();
    if (!this.#maybeElectNewJoinedLeader(group) && !group.isEmpty()) {
      group.phaseDeadline = now + group.rebalanceTimeoutMs();
      return;
    }
    group.generationId++;
    group.initialDelay = false;
    group.pendingSyncMembers.clear();
    if (group.isEmpty()) {
      group.protocolName = null;
      group.transitionTo('Empty', now);
      records.push(groupMetadataRecord(group.groupId, group.toRecordValue()));
      return;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo('CompletingRebalance', now);
    for (const m of group.members.values()) {
      const waiting = m.awaitingJoin;
      m.awaitingJoin = null;
      waiting?.resolve(joinResponse(group, m));
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
      m.isNew = false;
      group.pendingSyncMembers.add(m.memberId);
    }
    group.syncDeadline = now + group.rebalanceTimeoutMs();
  }

  /** Keeps the leader if it rejoined, else picks a member that did; false if none did. */
  #maybeElectNewJoinedLeader(group: ClassicGroup): boolean {
    if (group.leaderId === null) return false;
    if (group.members.get(group.leaderId)?.awaitingJoin != null) return true;
    for (const m of group.members.values()) {
      if (m.awaitingJoin !== null) {
        group.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /**
   * Removes a member, answering its parked join (and sync) with `errorCode`; does not
   * rebalance. UNKNOWN_MEMBER_ID answers carry no member id, as Kafka's do.
   */
  removeMember(group: ClassicGroup, member: ClassicGroupMember, errorCode: number): void {
    group.members.delete(member.memberId);
    group.pendingSyncMembers.delete(member.memberId);
    const responseId = errorCode === E.UNKNOWN_MEMBER_ID.code ? '' : member.memberId;
    member.awaitingJoin?.resolve(joinError(errorCode, responseId));
    member.awaitingSync?.resolve(syncResponse(errorCode));
    member.awaitingJoin = null;
    member.awaitingSync = null;
    if (group.leaderId === member.memberId) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
  }

  /** Kafka's removeMemberAndUpdateClassicGroup, on session expiry. */
  #removeMemberAndUpdate(
    group: ClassicGroup,
    member: ClassicGroupMember,
    records: CoordinatorRecord[],
  ): void {
    this.removeMember(group, member, E.UNKNOWN_MEMBER_ID.code);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      this.maybePrepareRebalanceOrCompleteJoin(group, records);
    } else if (group.state === 'PreparingRebalance' && group.allMembersJoined()) {
      this.completeJoin(group, records);
    }
  }

  /**
   * Answers every parked SyncGroup with the member's assignment (or `errorCode`), and restarts
   * the session of each member answered: its expiry was ignored while it waited.
   */
  propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const now = this.#shard.now();
    for (const m of group.members.values()) {
      const waiting = m.awaitingSync;
      if (waiting === null) continue;
      m.awaitingSync = null;
      waiting.resolve(
        errorCode === E.NONE.code
          ? syncResponse(errorCode, m.assignment, group)
          : syncResponse(errorCode),
      );
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
    }
  }

  removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) group.syncDeadline = Number.POSITIVE_INFINITY;
  }

  // ---- Time ------------------------------------------------------------------------------

  /** Fires the group's deadlines due at `now`. */
  tick(group: ClassicGroup, now: number, records: CoordinatorRecord[]): void {
    for (const [id, deadline] of group.pendingMembers) {
      if (deadline > now) continue;
      // Kafka's removePendingMemberAndUpdateClassicGroup.
      group.pendingMembers.delete(id);
      if (group.state === 'PreparingRebalance' && group.allMembersJoined()) {
        this.completeJoin(group, records);
      }
    }
    const joinPhaseDue = (): boolean =>
      group.state === 'PreparingRebalance' && group.phaseDeadline <= now;
    // An initial delay extended by zero fires again at once; each extension clears
    // newMemberAdded, so this loop ends.
    while (joinPhaseDue() && group.initialDelayTimer)
      this.#initialDelayExpired(group, now, records);
    if (joinPhaseDue()) this.completeJoin(group, records);
    if (
      (group.state === 'CompletingRebalance' || group.state === 'Stable') &&
      group.syncDeadline <= now
    ) {
      // Kafka's expirePendingSync: members that did not send SyncGroup within the rebalance
      // timeout of the join phase's end are removed, and the group rebalances.
      group.syncDeadline = Number.POSITIVE_INFINITY;
      if (group.pendingSyncMembers.size > 0) {
        for (const id of [...group.pendingSyncMembers]) {
          const m = group.members.get(id);
          if (m !== undefined) this.removeMember(group, m, E.UNKNOWN_MEMBER_ID.code);
        }
        this.prepareRebalance(group, records);
      }
    }
    for (const m of [...group.members.values()]) {
      // Kafka's hasSatisfiedHeartbeat: waiting in a join or sync keeps an established member.
      const satisfied = !m.isNew && (m.awaitingJoin !== null || m.awaitingSync !== null);
      if (m.heartbeatDeadline <= now && !satisfied && group.members.has(m.memberId)) {
        this.#removeMemberAndUpdate(group, m, records);
      }
    }
  }
}
