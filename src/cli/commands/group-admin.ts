// What `samsa groups` asks the cluster about consumer groups, the way Kafka's Admin client asks:
//
// - listing: ListGroups to every broker (each lists the groups it coordinates), keeping the
//   consumer groups — protocol type "consumer" or none (a group that only commits offsets);
//   v4+ filter by state and v5+ by type on the broker, and the filter is applied here too.
// - describing: ConsumerGroupDescribe first (KIP-848 groups) where the coordinator serves it;
//   a group it does not know (a classic group, or none) is then described with DescribeGroups,
//   whose members' assignments are ConsumerProtocolAssignment bytes. A group that does not exist
//   comes back from DescribeGroups as "Dead", as Kafka reports it.
import { Apis } from '../../protocol/generated/index.js';
import {
  decodeAssignment,
  kafkaErrorFor,
  type BrokerNode,
  type KafkaClient,
  type TopicPartition,
} from '../client/index.js';

export interface ListedGroup {
  groupId: string;
  /** "Classic", "Consumer" (Kafka's GroupType names), or "Unknown" from brokers before v5. */
  type: string;
  /** Kafka's state names ("Stable", "Empty", …), "Unknown" from brokers before ListGroups v4. */
  state: string;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  assignment: TopicPartition[];
  /** KIP-848 groups only. */
  targetAssignment: TopicPartition[] | null;
  memberEpoch: number | null;
}

export interface GroupDescription {
  groupId: string;
  type: 'Classic' | 'Consumer';
  state: string;
  /** The classic group's protocol (its assignor, once Stable) or the KIP-848 group's assignor. */
  assignor: string;
  protocolType: string;
  coordinator: BrokerNode;
  members: GroupMember[];
  groupEpoch: number | null;
  targetAssignmentEpoch: number | null;
}

export const GROUP_STATES = [
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
  'Empty',
  'Assigning',
  'Reconciling',
] as const;
export const GROUP_TYPES = ['Consumer', 'Classic', 'Share'] as const;

/** Kafka's spelling of a state ("stable" → "Stable"), "Unknown" for anything else. */
export function stateName(text: string): string {
  return GROUP_STATES.find((s) => s.toLowerCase() === text.toLowerCase()) ?? 'Unknown';
}

export function typeName(text: string): string {
  return GROUP_TYPES.find((s) => s.toLowerCase() === text.toLowerCase()) ?? 'Unknown';
}

const byId = (a: { groupId: string }, b: { groupId: string }): number =>
  a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0;

/** Consumer groups of the whole cluster, sorted by id. */
export async function listGroups(
  client: KafkaClient,
  filter: { states?: readonly string[]; types?: readonly string[] } = {},
): Promise<ListedGroup[]> {
  await client.metadata([]);
  const nodes = [...client.brokers.keys()];
  const states = (filter.states ?? []).map((s) => s.toLowerCase());
  const types = (filter.types ?? []).map((s) => s.toLowerCase());
  const found = new Map<string, ListedGroup>();
  await Promise.all(
    nodes.map(async (node) => {
      const conn = await client.connection(node);
      const version = conn.versionFor(Apis.ListGroups);
      const response = await conn.send(
        Apis.ListGroups,
        {
          ...(version >= 4 ? { statesFilter: filter.states ? [...filter.states] : [] } : {}),
          ...(version >= 5 ? { typesFilter: filter.types ? [...filter.types] : [] } : {}),
        },
        { version },
      );
      if (response.errorCode !== 0) throw kafkaErrorFor(response.errorCode);
      for (const g of response.groups) {
        if (g.protocolType !== 'consumer' && g.protocolType !== '') continue;
        const listed = {
          groupId: g.groupId,
          type: version >= 5 ? typeName(g.groupType) : 'Unknown',
          state: version >= 4 ? stateName(g.groupState) : 'Unknown',
        };
        if (states.length > 0 && !states.includes(listed.state.toLowerCase())) continue;
        if (types.length > 0 && !types.includes(listed.type.toLowerCase())) continue;
        found.set(g.groupId, listed);
      }
    }),
  );
  return [...found.values()].sort(byId);
}

/** Each group's description, by group id. */
export async function describeGroups(
  client: KafkaClient,
  groupIds: readonly string[],
): Promise<Map<string, GroupDescription>> {
  const out = new Map<string, GroupDescription>();
  await Promise.all(
    [...new Set(groupIds)].map(async (groupId) => {
      out.set(groupId, await describeGroup(client, groupId));
    }),
  );
  return out;
}

async function describeGroup(client: KafkaClient, groupId: string): Promise<GroupDescription> {
  return client.withCoordinator('group', groupId, async (conn) => {
    const coordinatorId = await client.findCoordinator('group', groupId);
    const coordinator = client.brokers.get(coordinatorId) ?? {
      nodeId: coordinatorId,
      host: conn.address.host,
      port: conn.address.port,
      rack: null,
    };
    if (conn.supports(Apis.ConsumerGroupDescribe)) {
      const response = await conn.send(Apis.ConsumerGroupDescribe, {
        groupIds: [groupId],
        includeAuthorizedOperations: false,
      });
      const g = response.groups[0];
      if (g !== undefined && g.errorCode === 0) {
        const names = (a: { topicPartitions: { topicName: string; partitions: number[] }[] }) =>
          a.topicPartitions.flatMap((tp) =>
            tp.partitions.map((partition) => ({ topic: tp.topicName, partition })),
          );
        return {
          groupId,
          type: 'Consumer',
          state: stateName(g.groupState),
          assignor: g.assignorName,
          protocolType: 'consumer',
          coordinator,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.instanceId,
            clientId: m.clientId,
            host: m.clientHost,
            assignment: names(m.assignment),
            targetAssignment: names(m.targetAssignment),
            memberEpoch: m.memberEpoch,
          })),
          groupEpoch: g.groupEpoch,
          targetAssignmentEpoch: g.assignmentEpoch,
        };
      }
      // GROUP_ID_NOT_FOUND: a classic group, or none; DescribeGroups tells which.
      if (g !== undefined && g.errorCode !== 69) throw kafkaErrorFor(g.errorCode, g.errorMessage);
    }
    const response = await conn.send(Apis.DescribeGroups, {
      groups: [groupId],
      includeAuthorizedOperations: false,
    });
    const g = response.groups[0];
    if (g === undefined) throw kafkaErrorFor(-1, `DescribeGroups returned nothing for ${groupId}`);
    if (g.errorCode === 69) {
      return {
        groupId,
        type: 'Classic',
        state: 'Dead',
        assignor: '',
        protocolType: '',
        coordinator,
        members: [],
        groupEpoch: null,
        targetAssignmentEpoch: null,
      };
    }
    if (g.errorCode !== 0) throw kafkaErrorFor(g.errorCode);
    const consumerProtocol = g.protocolType === 'consumer' || g.protocolType === '';
    return {
      groupId,
      type: 'Classic',
      state: stateName(g.groupState),
      assignor: g.protocolData,
      protocolType: g.protocolType,
      coordinator,
      members: g.members.map((m) => {
        let assignment: TopicPartition[] = [];
        if (consumerProtocol) {
          try {
            assignment = decodeAssignment(m.memberAssignment);
          } catch {
            assignment = [];
          }
        }
        return {
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          host: m.clientHost,
          assignment,
          targetAssignment: null,
          memberEpoch: null,
        };
      }),
      groupEpoch: null,
      targetAssignmentEpoch: null,
    };
  });
}
