// The classic group coordinator for one `__consumer_offsets` partition, Kafka's
// GroupCoordinatorShard (GroupMetadataManager + OffsetMetadataManager) as a deterministic
// state machine.
//
// Contract:
// - Every handler is synchronous and returns `{ response, records }`. The caller appends
//   `records` to the shard's partition, then sends the response. Nothing here does I/O or sets
//   timers: time comes from the injected `clock`, and `tick(now)` fires deadlines (session
//   timeouts, the join phase's rebalance timeout, the initial rebalance delay, pending member ids).
// - JoinGroup and SyncGroup may have to wait for other members. Their `response` is a Promise,
//   resolved synchronously (its `.then` runs on the next microtask) by the later call — another
//   join, the leader's sync, a leave, or `tick` — that completes the phase. Records produced by
//   that completion are returned from that later call, so the caller should append them before
//   flushing responses it wrote after the call (Kafka holds responses until the append commits).
// - `replay(key, value)` applies a record to state. Replaying every record a shard emitted gives
//   the same persisted state (`snapshot()`), in Kafka's formats, so the shard can be rebuilt by
//   reading its partition at start-up.
//
// Not yet implemented: static-membership rejoin without rebalance (a known group.instance.id
// rejoining replaces the old member and rebalances), offsets.retention.minutes expiry, the
// KIP-848 consumer protocol, transactional offset commits.

import { randomUUID } from 'node:crypto';
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
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from '../../protocol/generated/api/describe-groups.js';
import type {
  ListGroupsRequest,
  ListGroupsResponse,
} from '../../protocol/generated/api/list-groups.js';
import type {
  DeleteGroupsRequest,
  DeleteGroupsResponse,
} from '../../protocol/generated/api/delete-groups.js';
import type { GroupMetadataValue } from '../../protocol/generated/group-coordinator/group-metadata-value.js';
import { describeGroups, joinError, joinResponse, listGroups, syncResponse } from './responses.js';
import { ClassicGroup, deferred, type ClassicGroupMember } from './classic-group.js';
import { decodeRecord, groupMetadataRecord, type CoordinatorRecord } from './records.js';
import { OffsetStore } from './offset-store.js';
import { OffsetManager } from './offset-manager.js';

const E = ErrorCodes;
const EMPTY = Buffer.alloc(0);

export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms */
  groupMinSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  groupMaxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms */
  groupInitialRebalanceDelayMs: number;
  /** group.max.size */
  groupMaxSize: number;
  /** offset.metadata.max.bytes */
  offsetMetadataMaxBytes: number;
}

export const DEFAULT_GROUP_COORDINATOR_CONFIG: GroupCoordinatorConfig = {
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3000,
  groupMaxSize: 2_147_483_647,
  offsetMetadataMaxBytes: 4096,
};

/** Who sent the request: the API version decides MEMBER_ID_REQUIRED and response shapes. */
export interface RequestContext {
  apiVersion: number;
  clientId: string;
  clientHost: string;
}

export interface CoordinatorResult<T> {
  response: T;
  records: CoordinatorRecord[];
}

export interface GroupCoordinatorShardOptions {
  config?: Partial<GroupCoordinatorConfig>;
  clock?: () => number;
  /** Member id suffix generator; Kafka uses a random UUID. Injected for reproducible tests. */
  newId?: () => string;
}

export class GroupCoordinatorShard {
  readonly config: GroupCoordinatorConfig;
  readonly groups = new Map<string, ClassicGroup>();
  readonly offsets = new OffsetStore();
  readonly #clock: () => number;
  readonly #newId: () => string;
  readonly #offsetManager: OffsetManager;

  constructor(options: GroupCoordinatorShardOptions = {}) {
    this.config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
    this.#clock = options.clock ?? Date.now;
    this.#newId = options.newId ?? randomUUID;
    this.#offsetManager = new OffsetManager(this, this.#clock);
  }

  now(): number {
    return this.#clock();
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
    if (req.groupId === '') return done(joinError(E.INVALID_GROUP_ID.code, req.memberId));
    if (
      req.sessionTimeoutMs < this.config.groupMinSessionTimeoutMs ||
      req.sessionTimeoutMs > this.config.groupMaxSessionTimeoutMs
    ) {
      return done(joinError(E.INVALID_SESSION_TIMEOUT.code, req.memberId));
    }
    let group = this.groups.get(req.groupId);
    if (group === undefined) {
      if (req.memberId !== '') return done(joinError(E.UNKNOWN_MEMBER_ID.code, req.memberId));
      group = new ClassicGroup(req.groupId);
      this.groups.set(req.groupId, group);
    }
    if (group.state === 'Dead')
      return done(joinError(E.COORDINATOR_NOT_AVAILABLE.code, req.memberId));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) {
      return done(joinError(E.INCONSISTENT_GROUP_PROTOCOL.code, req.memberId));
    }
    // v0 has no rebalance timeout; Kafka uses the session timeout.
    const rebalanceTimeoutMs =
      req.rebalanceTimeoutMs < 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
    const now = this.now();

    if (req.memberId === '') {
      if (group.members.size + group.pendingMembers.size >= this.config.groupMaxSize) {
        return done(joinError(E.GROUP_MAX_SIZE_REACHED.code));
      }
      const memberId = `${ctx.clientId}-${this.#newId()}`;
      if (req.groupInstanceId !== null) {
        // Static member: a previous incarnation with the same instance id is fenced out.
        const old = group.findByInstanceId(req.groupInstanceId);
        if (old !== undefined) this.#removeMember(group, old, E.FENCED_INSTANCE_ID.code);
      } else if (ctx.apiVersion >= 4) {
        // KIP-394: hand out the id first; the member must rejoin with it within its session timeout.
        group.pendingMembers.set(memberId, now + req.sessionTimeoutMs);
        return done(joinError(E.MEMBER_ID_REQUIRED.code, memberId));
      }
      return this.#addMemberAndRebalance(group, memberId, req, ctx, rebalanceTimeoutMs, records);
    }

    if (group.pendingMembers.has(req.memberId)) {
      group.pendingMembers.delete(req.memberId);
      return this.#addMemberAndRebalance(
        group,
        req.memberId,
        req,
        ctx,
        rebalanceTimeoutMs,
        records,
      );
    }
    const member = group.members.get(req.memberId);
    if (member === undefined) return done(joinError(E.UNKNOWN_MEMBER_ID.code, req.memberId));
    if (req.groupInstanceId !== null && member.groupInstanceId !== req.groupInstanceId) {
      return done(joinError(E.FENCED_INSTANCE_ID.code, req.memberId));
    }
    if (group.state === 'Empty') return done(joinError(E.UNKNOWN_MEMBER_ID.code, req.memberId));

    const sameProtocols =
      member.protocols.length === req.protocols.length &&
      member.protocols.every(
        (p, i) =>
          p.name === req.protocols[i]?.name &&
          p.metadata.equals(req.protocols[i]?.metadata ?? EMPTY),
      );
    // A follower rejoining with unchanged metadata outside a rebalance gets the current generation.
    if (
      (group.state === 'Stable' && sameProtocols && group.leaderId !== member.memberId) ||
      (group.state === 'CompletingRebalance' && sameProtocols)
    ) {
      member.heartbeatDeadline = now + member.sessionTimeoutMs;
      return done(joinResponse(group, member));
    }
    member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
    member.protocolType = req.protocolType;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.clientId = ctx.clientId;
    member.clientHost = ctx.clientHost;
    const waiting = deferred<JoinGroupResponse>();
    member.awaitingJoin?.resolve(joinError(E.UNKNOWN_MEMBER_ID.code, member.memberId));
    member.awaitingJoin = waiting;
    if (group.state !== 'PreparingRebalance') this.#prepareRebalance(group, records);
    else this.#maybeCompleteJoin(group, records);
    return { response: waiting.promise, records };
  }

  #addMemberAndRebalance(
    group: ClassicGroup,
    memberId: string,
    req: JoinGroupRequest,
    ctx: RequestContext,
    rebalanceTimeoutMs: number,
    records: CoordinatorRecord[],
  ): CoordinatorResult<Promise<JoinGroupResponse>> {
    const waiting = deferred<JoinGroupResponse>();
    const member: ClassicGroupMember = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
      rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      assignment: EMPTY,
      heartbeatDeadline: this.now() + req.sessionTimeoutMs,
      awaitingJoin: waiting,
      awaitingSync: null,
    };
    group.members.set(memberId, member);
    if (group.protocolType === null) group.protocolType = req.protocolType;
    if (group.leaderId === null) group.leaderId = memberId;
    if (group.state === 'PreparingRebalance') {
      if (group.initialDelay) {
        // Kafka's InitialDelayedJoin: each new member extends the wait, up to the rebalance timeout.
        group.phaseDeadline = Math.min(
          this.now() + this.config.groupInitialRebalanceDelayMs,
          group.rebalanceStart + group.rebalanceTimeoutMs(),
        );
      } else {
        this.#maybeCompleteJoin(group, records);
      }
    } else {
      this.#prepareRebalance(group, records);
    }
    return { response: waiting.promise, records };
  }

  #prepareRebalance(group: ClassicGroup, records: CoordinatorRecord[]): void {
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        m.awaitingSync?.resolve(syncResponse(E.REBALANCE_IN_PROGRESS.code));
        m.awaitingSync = null;
      }
    }
    const now = this.now();
    const fromEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    group.currentStateTimestamp = BigInt(now);
    group.rebalanceStart = now;
    group.initialDelay = fromEmpty && this.config.groupInitialRebalanceDelayMs > 0;
    group.phaseDeadline = group.initialDelay
      ? Math.min(now + this.config.groupInitialRebalanceDelayMs, now + group.rebalanceTimeoutMs())
      : now + group.rebalanceTimeoutMs();
    if (!group.initialDelay) this.#maybeCompleteJoin(group, records);
  }

  #maybeCompleteJoin(group: ClassicGroup, records: CoordinatorRecord[]): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allMembersJoined()) {
      this.#completeJoin(group, records);
    }
  }

  #completeJoin(group: ClassicGroup, records: CoordinatorRecord[]): void {
    // Members that did not rejoin in time are dropped (Kafka removes them, static ones too here).
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null) this.#removeMember(group, m, E.UNKNOWN_MEMBER_ID.code);
    }
    group.pendingMembers.clear();
    group.initialDelay = false;
    const now = this.now();
    group.generationId++;
    group.currentStateTimestamp = BigInt(now);
    if (group.isEmpty()) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      group.phaseDeadline = Number.POSITIVE_INFINITY;
      records.push(groupMetadataRecord(group.groupId, group.toRecordValue(now)));
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
    group.state = 'CompletingRebalance';
    group.phaseDeadline = now + group.rebalanceTimeoutMs();
    for (const m of group.members.values()) {
      m.assignment = EMPTY;
      m.heartbeatDeadline = now + m.sessionTimeoutMs;
      const waiting = m.awaitingJoin;
      m.awaitingJoin = null;
      waiting?.resolve(joinResponse(group, m));
    }
  }

  /** Removes a member, failing its pending join/sync with `errorCode`; does not rebalance. */
  #removeMember(group: ClassicGroup, member: ClassicGroupMember, errorCode: number): void {
    group.members.delete(member.memberId);
    member.awaitingJoin?.resolve(joinError(errorCode, member.memberId));
    member.awaitingSync?.resolve(syncResponse(errorCode));
    member.awaitingJoin = null;
    member.awaitingSync = null;
    if (group.leaderId === member.memberId)
      group.leaderId = group.members.keys().next().value ?? null;
  }

  /** Removes a member and moves the group on, as Kafka's removeMemberAndUpdateClassicGroup. */
  #removeMemberAndUpdate(
    group: ClassicGroup,
    member: ClassicGroupMember,
    records: CoordinatorRecord[],
  ): void {
    this.#removeMember(group, member, E.UNKNOWN_MEMBER_ID.code);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance')
      this.#prepareRebalance(group, records);
    else if (group.state === 'PreparingRebalance') this.#maybeCompleteJoin(group, records);
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
    const group = this.groups.get(req.groupId);
    if (group === undefined || group.state === 'Dead') return done(E.UNKNOWN_MEMBER_ID.code);
    const member = group.members.get(req.memberId);
    if (member === undefined) return done(E.UNKNOWN_MEMBER_ID.code);
    if (req.groupInstanceId !== null && member.groupInstanceId !== req.groupInstanceId) {
      return done(E.FENCED_INSTANCE_ID.code);
    }
    if (req.generationId !== group.generationId) return done(E.ILLEGAL_GENERATION.code);
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return done(E.INCONSISTENT_GROUP_PROTOCOL.code);
    }
    if (group.state === 'PreparingRebalance') return done(E.REBALANCE_IN_PROGRESS.code);
    const now = this.now();
    member.heartbeatDeadline = now + member.sessionTimeoutMs;
    if (group.state === 'Stable') return done(E.NONE.code, member.assignment, group);
    // CompletingRebalance: wait for the leader's assignment.
    const waiting = deferred<SyncGroupResponse>();
    member.awaitingSync?.resolve(syncResponse(E.REBALANCE_IN_PROGRESS.code));
    member.awaitingSync = waiting;
    if (group.leaderId === member.memberId) {
      const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
      for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
      group.state = 'Stable';
      group.currentStateTimestamp = BigInt(now);
      group.phaseDeadline = Number.POSITIVE_INFINITY;
      records.push(groupMetadataRecord(group.groupId, group.toRecordValue(now)));
      for (const m of group.members.values()) {
        const w = m.awaitingSync;
        m.awaitingSync = null;
        w?.resolve(syncResponse(E.NONE.code, m.assignment, group));
      }
    }
    return { response: waiting.promise, records };
  }

  // ---- Heartbeat -------------------------------------------------------------------------

  heartbeat(req: HeartbeatRequest, _ctx: RequestContext): CoordinatorResult<HeartbeatResponse> {
    const r = (errorCode: number): CoordinatorResult<HeartbeatResponse> => ({
      response: { throttleTimeMs: 0, errorCode },
      records: [],
    });
    const group = this.groups.get(req.groupId);
    if (group === undefined || group.state === 'Dead') return r(E.UNKNOWN_MEMBER_ID.code);
    const member = group.members.get(req.memberId);
    if (member === undefined) return r(E.UNKNOWN_MEMBER_ID.code);
    if (req.groupInstanceId !== null && member.groupInstanceId !== req.groupInstanceId) {
      return r(E.FENCED_INSTANCE_ID.code);
    }
    if (req.generationId !== group.generationId) return r(E.ILLEGAL_GENERATION.code);
    member.heartbeatDeadline = this.now() + member.sessionTimeoutMs;
    if (group.state === 'PreparingRebalance') return r(E.REBALANCE_IN_PROGRESS.code);
    return r(E.NONE.code);
  }

  // ---- LeaveGroup ------------------------------------------------------------------------

  /** v0-2 name one member in `memberId`; v3+ a batch in `members`. */
  leaveGroup(req: LeaveGroupRequest, ctx: RequestContext): CoordinatorResult<LeaveGroupResponse> {
    const records: CoordinatorRecord[] = [];
    const group = this.groups.get(req.groupId);
    const identities =
      ctx.apiVersion >= 3
        ? req.members
        : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    if (group === undefined || group.state === 'Dead') {
      return {
        response: { throttleTimeMs: 0, errorCode: E.UNKNOWN_MEMBER_ID.code, members: [] },
        records,
      };
    }
    const results: LeaveGroupResponseMemberResponse[] = [];
    for (const id of identities) {
      let errorCode: number = E.NONE.code;
      if (id.memberId === '' && id.groupInstanceId !== null) {
        const m = group.findByInstanceId(id.groupInstanceId);
        if (m === undefined) errorCode = E.UNKNOWN_MEMBER_ID.code;
        else this.#removeMemberAndUpdate(group, m, records);
      } else if (group.pendingMembers.delete(id.memberId)) {
        this.#maybeCompleteJoin(group, records);
      } else {
        const m = group.members.get(id.memberId);
        if (m === undefined) errorCode = E.UNKNOWN_MEMBER_ID.code;
        else if (id.groupInstanceId !== null && m.groupInstanceId !== id.groupInstanceId) {
          errorCode = E.FENCED_INSTANCE_ID.code;
        } else this.#removeMemberAndUpdate(group, m, records);
      }
      results.push({ memberId: id.memberId, groupInstanceId: id.groupInstanceId, errorCode });
    }
    const topLevel = ctx.apiVersion >= 3 ? E.NONE.code : (results[0]?.errorCode ?? E.NONE.code);
    return {
      response: {
        throttleTimeMs: 0,
        errorCode: topLevel,
        members: ctx.apiVersion >= 3 ? results : [],
      },
      records,
    };
  }

  // ---- Time ------------------------------------------------------------------------------

  /** Fires every deadline due at `now`: expired sessions, join/sync phase timeouts, pending ids. */
  tick(now: number = this.now()): CoordinatorResult<null> {
    const records: CoordinatorRecord[] = [];
    for (const group of this.groups.values()) {
      for (const [id, deadline] of group.pendingMembers) {
        if (deadline <= now) group.pendingMembers.delete(id);
      }
      if (group.state === 'PreparingRebalance') {
        if (group.phaseDeadline <= now) this.#completeJoin(group, records);
        else this.#maybeCompleteJoin(group, records);
      } else if (group.state === 'CompletingRebalance' && group.phaseDeadline <= now) {
        // Kafka: members that have not sent SyncGroup in time are removed and the group rebalances.
        for (const m of [...group.members.values()]) {
          if (m.awaitingSync === null) this.#removeMember(group, m, E.UNKNOWN_MEMBER_ID.code);
        }
        this.#prepareRebalance(group, records);
      }
      for (const m of [...group.members.values()]) {
        if (m.awaitingJoin === null && m.awaitingSync === null && m.heartbeatDeadline <= now) {
          this.#removeMemberAndUpdate(group, m, records);
        }
      }
    }
    return { response: null, records };
  }

  // ---- Admin -----------------------------------------------------------------------------

  describeGroups(
    req: DescribeGroupsRequest,
    _ctx: RequestContext,
  ): CoordinatorResult<DescribeGroupsResponse> {
    return { response: describeGroups(this.groups, req), records: [] };
  }

  listGroups(req: ListGroupsRequest, _ctx: RequestContext): CoordinatorResult<ListGroupsResponse> {
    return { response: listGroups(this.groups, req), records: [] };
  }

  deleteGroups(
    req: DeleteGroupsRequest,
    _ctx: RequestContext,
  ): CoordinatorResult<DeleteGroupsResponse> {
    const records: CoordinatorRecord[] = [];
    const results = req.groupsNames.map((groupId) => {
      const group = this.groups.get(groupId);
      if (group === undefined || group.state === 'Dead')
        return { groupId, errorCode: E.GROUP_ID_NOT_FOUND.code };
      if (group.state !== 'Empty') return { groupId, errorCode: E.NON_EMPTY_GROUP.code };
      records.push(...this.#offsetManager.deleteAllOffsets(groupId));
      records.push(groupMetadataRecord(groupId, null));
      group.state = 'Dead';
      this.groups.delete(groupId);
      return { groupId, errorCode: E.NONE.code };
    });
    return { response: { throttleTimeMs: 0, results }, records };
  }

  // ---- Offsets (delegated) ---------------------------------------------------------------

  get offsetCommit(): OffsetManager['offsetCommit'] {
    return this.#offsetManager.offsetCommit.bind(this.#offsetManager);
  }
  get offsetFetch(): OffsetManager['offsetFetch'] {
    return this.#offsetManager.offsetFetch.bind(this.#offsetManager);
  }
  get offsetDelete(): OffsetManager['offsetDelete'] {
    return this.#offsetManager.offsetDelete.bind(this.#offsetManager);
  }

  // ---- Replay ----------------------------------------------------------------------------

  /** Applies one `__consumer_offsets` record (in partition order) to the shard's state. */
  replay(key: Buffer, value: Buffer | null): void {
    const record = decodeRecord(key, value);
    if (record.type === 'offset-commit') this.#offsetManager.replay(record.key, record.value);
    else if (record.type === 'group-metadata') {
      if (record.value === null) {
        this.groups.delete(record.group);
      } else {
        this.groups.set(
          record.group,
          ClassicGroup.fromRecordValue(record.group, record.value, this.now()),
        );
      }
    }
  }

  /** The group, created Empty if absent (an offset commit from a "simple" group creates one). */
  getOrCreateGroup(groupId: string): ClassicGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) this.groups.set(groupId, (group = new ClassicGroup(groupId)));
    return group;
  }

  /**
   * The persisted view of the shard: what replaying its records must reproduce. In-memory-only
   * groups (Empty, generation 0, no offsets) and transient fields are left out.
   */
  snapshot(): unknown {
    const groups = [...this.groups.values()]
      .filter(
        (g) =>
          !(g.state === 'Empty' && g.generationId === 0 && !this.offsets.hasOffsets(g.groupId)),
      )
      .map((g) => {
        const value: Partial<GroupMetadataValue> = g.toRecordValue(0);
        delete value.currentStateTimestamp;
        return { groupId: g.groupId, state: g.state, ...value };
      })
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    const offsets = groups.map((g) =>
      this.offsets
        .list(g.groupId)
        .map((o) => ({ group: g.groupId, ...o }))
        .sort((a, b) =>
          a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
        ),
    );
    return { groups, offsets };
  }
}
