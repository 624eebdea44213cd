// Response builders of the classic group coordinator: error responses, the JoinGroup answer
// (only the leader receives the member list), and the read-only DescribeGroups/ListGroups views.

import { ErrorCodes } from '../../errors/generated/error-codes.js';
import type { JoinGroupResponse } from '../../protocol/generated/api/join-group.js';
import type { SyncGroupResponse } from '../../protocol/generated/api/sync-group.js';
import type {
  DescribeGroupsRequest,
  DescribeGroupsResponse,
} from '../../protocol/generated/api/describe-groups.js';
import type {
  ListGroupsRequest,
  ListGroupsResponse,
} from '../../protocol/generated/api/list-groups.js';
import type { ClassicGroup, ClassicGroupMember } from './classic-group.js';
import { ConsumerGroup } from './consumer-group.js';

const E = ErrorCodes;
const EMPTY = Buffer.alloc(0);

export function joinError(errorCode: number, memberId = ''): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncResponse(
  errorCode: number,
  assignment: Buffer = EMPTY,
  group?: ClassicGroup,
): SyncGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    protocolType: group?.protocolType ?? null,
    protocolName: group?.protocolName ?? null,
    assignment,
  };
}

export function joinResponse(group: ClassicGroup, member: ClassicGroupMember): JoinGroupResponse {
  const isLeader = group.leaderId === member.memberId;
  return {
    throttleTimeMs: 0,
    errorCode: E.NONE.code,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: group.leaderId ?? '',
    skipAssignment: false,
    memberId: member.memberId,
    members: isLeader
      ? [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          metadata: group.memberMetadata(m, group.protocolName),
        }))
      : [],
  };
}

/**
 * An unknown group is described as Dead with no error before v6; v6 (KIP-1043) answers
 * GROUP_ID_NOT_FOUND instead. Kafka also sets v6's ErrorMessage ("Group <id> not found."), a
 * field our generated DescribeGroups codec (v0-5) does not have yet.
 */
export function describeGroups(
  groupsById: ReadonlyMap<string, ClassicGroup | ConsumerGroup>,
  req: DescribeGroupsRequest,
  apiVersion: number,
): DescribeGroupsResponse {
  const groups = req.groups.map((groupId) => {
    const group = groupsById.get(groupId);
    // Kafka describes only classic groups here; a consumer group (KIP-848) is not found, its
    // clients describe it with ConsumerGroupDescribe.
    if (group === undefined || group instanceof ConsumerGroup) {
      const notFound = apiVersion >= 6;
      return {
        errorCode: notFound ? E.GROUP_ID_NOT_FOUND.code : E.NONE.code,
        groupId,
        groupState: notFound ? '' : 'Dead',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: -2147483648,
      };
    }
    const stable = group.state === 'Stable';
    return {
      errorCode: E.NONE.code,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? group.memberMetadata(m, group.protocolName) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
      authorizedOperations: -2147483648,
    };
  });
  return { throttleTimeMs: 0, groups };
}

export function listGroups(
  groupsById: ReadonlyMap<string, ClassicGroup | ConsumerGroup>,
  req: ListGroupsRequest,
): ListGroupsResponse {
  const states = req.statesFilter.map((s) => s.toLowerCase());
  const types = req.typesFilter.map((s) => s.toLowerCase());
  const groups = [...groupsById.values()]
    .filter((g) => g.state !== 'Dead')
    .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
    .filter((g) => types.length === 0 || types.includes(groupType(g)))
    .map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType ?? '',
      groupState: g.state,
      groupType: groupType(g),
    }));
  return { throttleTimeMs: 0, errorCode: E.NONE.code, groups };
}

/** Kafka's group type names, as ListGroups v5 reports and filters them. */
function groupType(group: ClassicGroup | ConsumerGroup): 'classic' | 'consumer' {
  return group instanceof ConsumerGroup ? 'consumer' : 'classic';
}
