// The classic-protocol request paths of Kafka's GroupMetadataManager: JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup (the rebalance machinery and timers are in classic-rebalance.ts).
//
// Every method follows the Kafka method it names; where Kafka waits for a timer or an append,
// this code acts at once or on the next `tick`, which gives the same order of events. Responses
// that must wait are Deferreds on the member (`awaitingJoin`, `awaitingSync`), resolved by the
// call that completes the phase; records go into the `records` array of the current call.
//
// Static membership (KIP-345): a member with a group.instance.id that joins without a member id
// replaces its previous incarnation (whose parked join or sync is fenced with
// FENCED_INSTANCE_ID) and keeps its assignment; in a Stable group whose selected protocol does
// not change there is no rebalance, only a GroupMetadata record naming the new member id. Static
// members are not dropped when a join phase ends without them, only when their session expires
// or they do not sync in time.

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import type {
  JoinGroupRequest,
  JoinGroupResponse,
} from '../../protocol/generated/api/join-group.js';
import type {
  SyncGroupRequest,
  SyncGroupResponse,
} from '../../protocol/generated/api/sync-group.js';
import type {
  HeartbeatRequest,
  HeartbeatResponse,
} from '../../protocol/generated/api/heartbeat.js';
import type {
  LeaveGroupRequest,
  LeaveGroupResponse,
  LeaveGroupResponseMemberResponse,
} from '../../protocol/generated/api/leave-group.js';
import { joinError, joinResponse, syncResponse } from './responses.js';
import { ClassicRebalance } from './classic-rebalance.js';
import { ClassicGroup, deferred, type ClassicGroupMember } from './classic-group.js';
import { groupMetadataRecord, type CoordinatorRecord } from './records.js';
import type {
  CoordinatorResult,
  GroupCoordinatorShard,
  RequestContext,
} from './group-coordinator-shard.js';

const E = ErrorCodes;
const EMPTY = Buffer.alloc(0);

/**
 * How long a member added by JoinGroup may wait in the join phase before it is dropped (Kafka's
 * CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS, not configurable): it has no member id to heartbeat
 * with, and a client that gave up and retried would otherwise leave a defunct member behind.
 */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** Kafka's JoinGroupRequest.supportsSkippingAssignment: v9 added SkipAssignment. */
const SKIP_ASSIGNMENT_MIN_VERSION = 9;

function sameProtocols(member: ClassicGroupMember, req: JoinGroupRequest): boolean {
  return (
    member.protocols.length === req.protocols.length &&
    member.protocols.every(
      (p, i) =>
        p.name === req.protocols[i]?.name && p.metadata.equals(req.protocols[i]?.metadata ?? EMPTY),
    )
  );
}

export class ClassicGroupManager {
  readonly #shard: GroupCoordinatorShard;
  readonly #newId: () => string;
  readonly #rebalance: ClassicRebalance;

  constructor(shard: GroupCoordinatorShard, newId: () => string) {
    this.#shard = shard;
    this.#newId = newId;
    this.#rebalance = new ClassicRebalance(shard);
  }

  /** Fires the group's deadlines due at `now`. */
  tick(group: ClassicGroup, now: number, records: CoordinatorRecord[]): void {
    this.#rebalance.tick(group, now, records);
  }

  /** The classic group with this id, if there is one (other group types are not ours). */
  #group(groupId: string): ClassicGroup | undefined {
    const group = this.#shard.groups.get(groupId);
    return group instanceof ClassicGroup ? group : undefined;
  }

  // ---- JoinGroup -------------------------------------------------------------------------

  joinGroup(
    req: JoinGroupRequest,
    ctx: RequestContext,
  ): CoordinatorResult<Promise<JoinGroupResponse>> {
    const records: CoordinatorRecord[] = [];
    const done = (r: JoinGroupResponse): CoordinatorResult<Promise<JoinGroupResponse>> => ({
      response: Promise.resolve(r),
      records,
    });
    const config = this.#shard.config;
    if (req.groupId === '') return done(joinError(E.INVALID_GROUP_ID.code, req.memberId));
    if (
      req.sessionTimeoutMs < config.groupMinSessionTimeoutMs ||
      req.sessionTimeoutMs > config.groupMaxSessionTimeoutMs
    ) {
      return done(joinError(E.INVALID_SESSION_TIMEOUT.code, req.memberId));
    }
    const isUnknownMember = req.memberId === '';
    let group = this.#group(req.groupId);
    const isNewGroup = group === undefined;
    if (group === undefined) {
      // A group of another type (routed elsewhere first, as Kafka does for consumer groups).
      if (this.#shard.groups.has(req.groupId)) {
        return done(joinError(E.INCONSISTENT_GROUP_PROTOCOL.code));
      }
      // Only a member without an id creates the group.
      if (!isUnknownMember) return done(joinError(E.UNKNOWN_MEMBER_ID.code, req.memberId));
      group = new ClassicGroup(req.groupId);
      group.currentStateTimestamp = BigInt(this.#shard.now());
      this.#shard.groups.set(req.groupId, group);
    }
    let response: Promise<JoinGroupResponse>;
    if (!this.#acceptJoiningMember(group, req.memberId)) {
      group.pendingMembers.delete(req.memberId);
      const member = group.members.get(req.memberId);
      if (member !== undefined)
        this.#rebalance.removeMember(group, member, E.UNKNOWN_MEMBER_ID.code);
      response = Promise.resolve(joinError(E.GROUP_MAX_SIZE_REACHED.code));
    } else if (isUnknownMember) {
      response = this.#joinNewMember(group, req, ctx, records);
    } else {
      response = this.#joinExistingMember(group, req, ctx, records);
    }
    if (isNewGroup && records.length === 0) {
      // Kafka persists a group that JoinGroup created even when nothing else was written.
      records.push(
        groupMetadataRecord(group.groupId, {
          protocolType: '',
          generation: 0,
          protocol: null,
          leader: null,
          currentStateTimestamp: group.currentStateTimestamp,
          members: [],
        }),
      );
    }
    return { response, records };
  }

  /** Kafka's acceptJoiningMember: `group.max.size` counts members waiting to join, or all members. */
  #acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.#shard.config.groupMaxSize;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance': {
        if (group.members.get(memberId)?.awaitingJoin != null) return true;
        let awaiting = 0;
        for (const m of group.members.values()) if (m.awaitingJoin !== null) awaiting++;
        return awaiting < max;
      }
      default:
        return group.members.has(memberId) || group.members.size < max;
    }
  }

  #joinNewMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    ctx: RequestContext,
    records: CoordinatorRecord[],
  ): Promise<JoinGroupResponse> {
    if (group.state === 'Dead') return Promise.resolve(joinError(E.COORDINATOR_NOT_AVAILABLE.code));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return Promise.resolve(joinError(E.INCONSISTENT_GROUP_PROTOCOL.code));
    }
    if (req.groupInstanceId !== null) {
      const memberId = `${req.groupInstanceId}-${this.#newId()}`;
      const existing = group.findByInstanceId(req.groupInstanceId);
      if (existing !== undefined) {
        return this.#updateStaticMemberThenRebalanceOrCompleteJoin(
          group,
          existing,
          memberId,
          req,
          ctx,
          records,
        );
      }
      return this.#addMemberThenRebalanceOrCompleteJoin(group, memberId, req, ctx, records);
    }
    const memberId = `${ctx.clientId}-${this.#newId()}`;
    if (ctx.apiVersion >= 4) {
      // KIP-394: hand out the id first; the member must rejoin with it within its session timeout.
      group.pendingMembers.set(memberId, this.#shard.now() + req.sessionTimeoutMs);
      return Promise.resolve(joinError(E.MEMBER_ID_REQUIRED.code, memberId));
    }
    return this.#addMemberThenRebalanceOrCompleteJoin(group, memberId, req, ctx, records);
  }

  #joinExistingMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    ctx: RequestContext,
    records: CoordinatorRecord[],
  ): Promise<JoinGroupResponse> {
    const fail = (code: number): Promise<JoinGroupResponse> =>
      Promise.resolve(joinError(code, req.memberId));
    if (group.state === 'Dead') return fail(E.COORDINATOR_NOT_AVAILABLE.code);
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return fail(E.INCONSISTENT_GROUP_PROTOCOL.code);
    }
    if (group.pendingMembers.has(req.memberId)) {
      // Pending ids are only handed to dynamic members; Kafka fails such a request with an
      // IllegalStateException, which reaches the client as UNKNOWN_SERVER_ERROR.
      if (req.groupInstanceId !== null) return fail(E.UNKNOWN_SERVER_ERROR.code);
      return this.#addMemberThenRebalanceOrCompleteJoin(group, req.memberId, req, ctx, records);
    }
    const error = group.validateMember(req.memberId, req.groupInstanceId);
    const member = group.members.get(req.memberId);
    if (error !== E.NONE.code) return fail(error);
    if (member === undefined) return fail(E.UNKNOWN_MEMBER_ID.code);
    switch (group.state) {
      case 'PreparingRebalance':
        return this.#updateMemberThenRebalanceOrCompleteJoin(group, member, req, records);
      case 'CompletingRebalance':
        // Same metadata: the member probably missed its JoinGroup response; send it again.
        if (sameProtocols(member, req)) return Promise.resolve(joinResponse(group, member));
        return this.#updateMemberThenRebalanceOrCompleteJoin(group, member, req, records);
      case 'Stable':
        // The leader rejoining forces a rebalance (e.g. for topic metadata changes); a follower
        // with unchanged metadata just gets the current generation and goes on to SyncGroup.
        if (group.leaderId === member.memberId || !sameProtocols(member, req)) {
          return this.#updateMemberThenRebalanceOrCompleteJoin(group, member, req, records);
        }
        return Promise.resolve(joinResponse(group, member));
      default:
        return fail(E.UNKNOWN_MEMBER_ID.code);
    }
  }

  /** Kafka's group.updateMember: new protocols and timeouts, and a new parked JoinGroup. */
  #updateMember(member: ClassicGroupMember, req: JoinGroupRequest): Promise<JoinGroupResponse> {
    member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
    member.rebalanceTimeoutMs = rebalanceTimeoutOf(req);
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    const waiting = deferred<JoinGroupResponse>();
    // Kafka drops a superseded join future unanswered; answering it frees the waiting request.
    member.awaitingJoin?.resolve(joinError(E.UNKNOWN_MEMBER_ID.code, member.memberId));
    member.awaitingJoin = waiting;
    return waiting.promise;
  }

  #updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    member: ClassicGroupMember,
    req: JoinGroupRequest,
    records: CoordinatorRecord[],
  ): Promise<JoinGroupResponse> {
    const response = this.#updateMember(member, req);
    this.#rebalance.maybePrepareRebalanceOrCompleteJoin(group, records);
    return response;
  }

  #addMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    memberId: string,
    req: JoinGroupRequest,
    ctx: RequestContext,
    records: CoordinatorRecord[],
  ): Promise<JoinGroupResponse> {
    const waiting = deferred<JoinGroupResponse>();
    const member: ClassicGroupMember = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
      rebalanceTimeoutMs: rebalanceTimeoutOf(req),
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      assignment: EMPTY,
      heartbeatDeadline: this.#shard.now() + NEW_MEMBER_JOIN_TIMEOUT_MS,
      isNew: true,
      awaitingJoin: waiting,
      awaitingSync: null,
    };
    // A member joining during the initial delay extends it once more.
    if (group.state === 'PreparingRebalance' && group.initialDelay) group.newMemberAdded = true;
    if (group.members.size === 0) group.protocolType = req.protocolType;
    if (group.leaderId === null) group.leaderId = memberId;
    group.members.set(memberId, member);
    group.pendingMembers.delete(memberId);
    this.#rebalance.maybePrepareRebalanceOrCompleteJoin(group, records);
    return waiting.promise;
  }

  /**
   * Kafka's updateStaticMemberThenRebalanceOrCompleteJoin: `old`, the member this
   * group.instance.id maps to, is replaced by `newMemberId` with the same assignment.
   */
  #updateStaticMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    old: ClassicGroupMember,
    newMemberId: string,
    req: JoinGroupRequest,
    ctx: RequestContext,
    records: CoordinatorRecord[],
  ): Promise<JoinGroupResponse> {
    const currentLeader = group.leaderId;
    const now = this.#shard.now();
    // replaceStaticMember: the old incarnation's parked requests are fenced. (Like Kafka, an old
    // id still owing a SyncGroup stays owed, so the pending-sync expiry then rebalances.)
    group.members.delete(old.memberId);
    old.awaitingJoin?.resolve(joinError(E.FENCED_INSTANCE_ID.code, old.memberId));
    old.awaitingSync?.resolve(syncResponse(E.FENCED_INSTANCE_ID.code));
    const member: ClassicGroupMember = {
      ...old,
      memberId: newMemberId,
      protocols: [...old.protocols],
      heartbeatDeadline: now + old.sessionTimeoutMs,
      isNew: false,
      awaitingJoin: null,
      awaitingSync: null,
    };
    group.members.set(newMemberId, member);
    if (group.leaderId === old.memberId) group.leaderId = newMemberId;
    const response = this.#updateMember(member, req);

    if (group.state === 'Stable') {
      if ((group.protocolName ?? '') === group.selectProtocol()) {
        // The selected protocol stays: persist the new member id, keep the generation and the
        // assignment, no rebalance.
        records.push(groupMetadataRecord(group.groupId, group.toRecordValue()));
        const waiting = member.awaitingJoin;
        member.awaitingJoin = null;
        const isLeader = group.leaderId === newMemberId;
        const current = joinResponse(group, member);
        // v9+: the leader gets the members but is told not to assign. Before v9 the response
        // names the previous leader id, so a rejoining leader acts as a follower and does not
        // assign either.
        waiting?.resolve(
          ctx.apiVersion >= SKIP_ASSIGNMENT_MIN_VERSION
            ? { ...current, skipAssignment: isLeader }
            : { ...current, members: [], leader: currentLeader ?? '' },
        );
        return response;
      }
      this.#rebalance.maybePrepareRebalanceOrCompleteJoin(group, records);
    } else if (group.state === 'CompletingRebalance') {
      // The leader may already be assigning with the old member id: start over.
      this.#rebalance.prepareRebalance(group, records);
    } else {
      this.#rebalance.maybeCompleteJoinPhase(group, records);
    }
    return response;
  }

  // ---- SyncGroup -------------------------------------------------------------------------

  syncGroup(
    req: SyncGroupRequest,
    _ctx: RequestContext,
  ): CoordinatorResult<Promise<SyncGroupResponse>> {
    const records: CoordinatorRecord[] = [];
    const done = (
      code: number,
      assignment?: Buffer,
      group?: ClassicGroup,
    ): CoordinatorResult<Promise<SyncGroupResponse>> => ({
      response: Promise.resolve(syncResponse(code, assignment, group)),
      records,
    });
    const group = this.#group(req.groupId);
    if (group === undefined || group.state === 'Empty') return done(E.UNKNOWN_MEMBER_ID.code);
    if (group.state === 'Dead') return done(E.COORDINATOR_NOT_AVAILABLE.code);
    const error = group.validateMember(req.memberId, req.groupInstanceId);
    const member = group.members.get(req.memberId);
    if (error !== E.NONE.code) return done(error);
    if (member === undefined) return done(E.UNKNOWN_MEMBER_ID.code);
    if (req.generationId !== group.generationId) return done(E.ILLEGAL_GENERATION.code);
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return done(E.INCONSISTENT_GROUP_PROTOCOL.code);
    }
    if (group.state === 'PreparingRebalance') return done(E.REBALANCE_IN_PROGRESS.code);
    if (group.state === 'Stable') {
      this.#rebalance.removePendingSyncMember(group, member.memberId);
      return done(E.NONE.code, member.assignment, group);
    }
    // CompletingRebalance: wait for the leader's assignment.
    const waiting = deferred<SyncGroupResponse>();
    member.awaitingSync?.resolve(syncResponse(E.REBALANCE_IN_PROGRESS.code));
    member.awaitingSync = waiting;
    this.#rebalance.removePendingSyncMember(group, member.memberId);
    if (group.leaderId === member.memberId) {
      const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
      // Kafka writes the record before the transition, so it carries the time the group
      // entered CompletingRebalance.
      records.push(groupMetadataRecord(group.groupId, group.toRecordValue()));
      this.#rebalance.propagateAssignment(group, E.NONE.code);
      group.transitionTo('Stable', this.#shard.now());
    }
    return { response: waiting.promise, records };
  }

  // ---- Heartbeat -------------------------------------------------------------------------

  heartbeat(req: HeartbeatRequest, _ctx: RequestContext): CoordinatorResult<HeartbeatResponse> {
    const r = (errorCode: number): CoordinatorResult<HeartbeatResponse> => ({
      response: { throttleTimeMs: 0, errorCode },
      records: [],
    });
    const group = this.#group(req.groupId);
    if (group === undefined) return r(E.UNKNOWN_MEMBER_ID.code);
    if (group.state === 'Dead') return r(E.COORDINATOR_NOT_AVAILABLE.code);
    const error = group.validateMember(req.memberId, req.groupInstanceId);
    const member = group.members.get(req.memberId);
    if (error !== E.NONE.code) return r(error);
    if (member === undefined) return r(E.UNKNOWN_MEMBER_ID.code);
    if (req.generationId !== group.generationId) return r(E.ILLEGAL_GENERATION.code);
    if (group.state === 'Empty') return r(E.UNKNOWN_MEMBER_ID.code);
    member.heartbeatDeadline = this.#shard.now() + member.sessionTimeoutMs;
    if (group.state === 'PreparingRebalance') return r(E.REBALANCE_IN_PROGRESS.code);
    return r(E.NONE.code);
  }

  /** An offset commit from a member keeps its session alive in Stable and PreparingRebalance. */
  offsetCommitted(group: ClassicGroup, memberId: string): void {
    const member = group.members.get(memberId);
    if (member === undefined) return;
    if (group.state === 'Stable' || group.state === 'PreparingRebalance') {
      member.heartbeatDeadline = this.#shard.now() + member.sessionTimeoutMs;
    }
  }

  // ---- LeaveGroup ------------------------------------------------------------------------

  /**
   * v0-2 name one member in `memberId` and carry its error at the top level; v3+ a batch in
   * `members` (a static member may be named by group.instance.id alone).
   */
  leaveGroup(req: LeaveGroupRequest, ctx: RequestContext): CoordinatorResult<LeaveGroupResponse> {
    const records: CoordinatorRecord[] = [];
    const batch = ctx.apiVersion >= 3;
    const respond = (
      errorCode: number,
      members: LeaveGroupResponseMemberResponse[],
    ): CoordinatorResult<LeaveGroupResponse> => ({
      response: batch
        ? { throttleTimeMs: 0, errorCode, members }
        : {
            throttleTimeMs: 0,
            errorCode:
              errorCode !== E.NONE.code
                ? errorCode
                : (members.find((m) => m.errorCode !== E.NONE.code)?.errorCode ?? E.NONE.code),
            members: [],
          },
      records,
    });
    if (req.groupId === '') return respond(E.INVALID_GROUP_ID.code, []);
    const identities = batch
      ? req.members
      : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    const group = this.#group(req.groupId);
    if (group === undefined) {
      return respond(
        E.NONE.code,
        identities.map((id) => ({
          memberId: id.memberId,
          groupInstanceId: id.groupInstanceId,
          errorCode: E.UNKNOWN_MEMBER_ID.code,
        })),
      );
    }
    if (group.state === 'Dead') return respond(E.COORDINATOR_NOT_AVAILABLE.code, []);
    const results: LeaveGroupResponseMemberResponse[] = [];
    let left = false;
    for (const id of identities) {
      let errorCode: number = E.NONE.code;
      if (id.memberId === '') {
        // Administrative removal by group.instance.id alone.
        const m =
          id.groupInstanceId === null ? undefined : group.findByInstanceId(id.groupInstanceId);
        if (m === undefined) errorCode = E.UNKNOWN_MEMBER_ID.code;
        else this.#rebalance.removeMember(group, m, E.UNKNOWN_MEMBER_ID.code);
      } else if (!group.pendingMembers.delete(id.memberId)) {
        errorCode = group.validateMember(id.memberId, id.groupInstanceId);
        const m = group.members.get(id.memberId);
        if (errorCode === E.NONE.code && m !== undefined) {
          this.#rebalance.removeMember(group, m, E.UNKNOWN_MEMBER_ID.code);
        }
      }
      if (errorCode === E.NONE.code) left = true;
      results.push({ memberId: id.memberId, groupInstanceId: id.groupInstanceId, errorCode });
    }
    if (left) {
      if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
        this.#rebalance.maybePrepareRebalanceOrCompleteJoin(group, records);
      } else if (group.state === 'PreparingRebalance') {
        this.#rebalance.maybeCompleteJoinPhase(group, records);
      }
    }
    return respond(E.NONE.code, results);
  }
}

/** v0 has no rebalance timeout (-1); Kafka uses the session timeout. */
function rebalanceTimeoutOf(req: JoinGroupRequest): number {
  return req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
}
