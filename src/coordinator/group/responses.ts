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

export function describeGroups(
  groupsById: Map<string, ClassicGroup>,
  req: DescribeGroupsRequest,
): DescribeGroupsResponse {
  const groups = req.groups.map((groupId) => {
    const group = groupsById.get(groupId);
    if (group === undefined) {
      return {
        errorCode: E.NONE.code,
        groupId,
        groupState: 'Dead',
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
  groupsById: Map<string, ClassicGroup>,
  req: ListGroupsRequest,
): ListGroupsResponse {
  const states = req.statesFilter.map((s) => s.toLowerCase());
  const types = req.typesFilter.map((s) => s.toLowerCase());
  const groups = [...groupsById.values()]
    .filter((g) => g.state !== 'Dead')
    .filter((g) => states.length === 0 || states.includes(g.state.toLowerCase()))
    .filter(() => types.length === 0 || types.includes('classic'))
    .map((g) => ({
      groupId: g.groupId,
      protocolType: g.protocolType ?? '',
      groupState: g.state,
      groupType: 'classic',
    }));
  return { throttleTimeMs: 0, errorCode: E.NONE.code, groups };
}
