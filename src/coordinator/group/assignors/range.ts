// Kafka's server-side RangeAssignor ("range"): each topic's partitions are cut into contiguous
// ranges, one per subscribed member, the first `partitions % members` ranges one longer. Members
// are ordered static ones first (by instance id), then dynamic ones (by member id), so members
// subscribed to the same co-partitioned topics get the same partition numbers of each topic,
// which joins rely on, and static members keep their ranges across restarts. Not sticky
// otherwise: the current assignment is ignored, as in Kafka.

import { compareStrings, type Assignment } from '../assignment.js';
import type {
  AssignmentMemberSpec,
  ConsumerGroupPartitionAssignor,
  GroupSpec,
  SubscribedTopicDescriber,
} from './assignor.js';

function compareMembers(a: AssignmentMemberSpec, b: AssignmentMemberSpec): number {
  if (a.instanceId !== null && b.instanceId !== null) {
    return compareStrings(a.instanceId, b.instanceId);
  }
  if (a.instanceId !== null) return -1;
  if (b.instanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

export const rangeAssignor: ConsumerGroupPartitionAssignor = {
  name: 'range',
  assign(group: GroupSpec, topics: SubscribedTopicDescriber): Map<string, Assignment> {
    const members = [...group.members].sort(compareMembers);
    const result = new Map<string, Map<string, Set<number>>>();
    for (const m of members) result.set(m.memberId, new Map());
    const topicIds = new Set<string>();
    for (const m of members) for (const t of m.subscribedTopicIds) topicIds.add(t);
    for (const topicId of [...topicIds].sort(compareStrings)) {
      const numPartitions = topics.numPartitions(topicId);
      if (numPartitions < 0) continue;
      const subs = members.filter((m) => m.subscribedTopicIds.has(topicId));
      const quota = Math.floor(numPartitions / subs.length);
      let extra = numPartitions % subs.length;
      let next = 0;
      for (const m of subs) {
        const size = quota + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        const end = Math.min(next + size, numPartitions);
        if (next < end) {
          const set = new Set<number>();
          for (let p = next; p < end; p++) set.add(p);
          result.get(m.memberId)!.set(topicId, set);
        }
        next = end;
      }
    }
    return new Map([...result].map(([memberId, a]) => [memberId, a as Assignment]));
  },
};
