// Kafka's UniformAssignor ("uniform", the default server assignor): spreads the partitions of
// the subscribed topics evenly over the members and keeps existing ownership where balance
// allows.
//
// Balance: a partition only ever goes to a member subscribed to its topic, and no partition can
// move to another subscriber of its topic that has at least two partitions fewer than its owner.
// When every member subscribes to the same topics this means partition counts differ by at most
// one. Stickiness: a member keeps the partitions it has in its current target (when still
// subscribed) unless it holds more than its share; only those extra partitions move.
//
// The steps: keep current ownership; hand each free partition to the least loaded subscriber,
// most constrained topics (fewest subscribers) first; then move partitions from the most loaded
// members to the least loaded subscribers until no move narrows a gap of two or more. Every
// iteration order is sorted (members by id, topics by id, partitions by number), so the result
// is deterministic.

import { compareStrings, type Assignment } from '../assignment.js';
import type {
  ConsumerGroupPartitionAssignor,
  GroupSpec,
  SubscribedTopicDescriber,
} from './assignor.js';

export const uniformAssignor: ConsumerGroupPartitionAssignor = {
  name: 'uniform',
  assign(group: GroupSpec, topics: SubscribedTopicDescriber): Map<string, Assignment> {
    const members = [...group.members].sort((a, b) => compareStrings(a.memberId, b.memberId));
    const rank = new Map(members.map((m, i) => [m.memberId, i]));
    const assigned = new Map<string, Map<string, Set<number>>>();
    const count = new Map<string, number>();
    for (const m of members) {
      assigned.set(m.memberId, new Map());
      count.set(m.memberId, 0);
    }

    // Subscribers of each existing topic, in member order.
    const subscribers = new Map<string, string[]>();
    for (const m of members) {
      for (const topicId of m.subscribedTopicIds) {
        if (topics.numPartitions(topicId) < 0) continue;
        let list = subscribers.get(topicId);
        if (list === undefined) subscribers.set(topicId, (list = []));
        list.push(m.memberId);
      }
    }
    const topicIds = [...subscribers.keys()].sort(compareStrings);
    const owners = new Map<string, (string | undefined)[]>();
    for (const topicId of topicIds) {
      owners.set(topicId, new Array<string | undefined>(topics.numPartitions(topicId)));
    }

    const give = (memberId: string, topicId: string, partition: number): void => {
      const byTopic = assigned.get(memberId)!;
      let set = byTopic.get(topicId);
      if (set === undefined) byTopic.set(topicId, (set = new Set()));
      set.add(partition);
      owners.get(topicId)![partition] = memberId;
      count.set(memberId, count.get(memberId)! + 1);
    };
    const take = (memberId: string, topicId: string, partition: number): void => {
      const byTopic = assigned.get(memberId)!;
      const set = byTopic.get(topicId)!;
      set.delete(partition);
      if (set.size === 0) byTopic.delete(topicId);
      owners.get(topicId)![partition] = undefined;
      count.set(memberId, count.get(memberId)! - 1);
    };
    const leastLoaded = (candidates: readonly string[]): string => {
      let best = candidates[0]!;
      for (const id of candidates) {
        const c = count.get(id)!;
        const b = count.get(best)!;
        if (c < b || (c === b && rank.get(id)! < rank.get(best)!)) best = id;
      }
      return best;
    };

    // 1. Keep what each member owns, if it still subscribes to the topic and the partition exists.
    for (const m of members) {
      for (const topicId of [...m.assignment.keys()].sort(compareStrings)) {
        const slots = owners.get(topicId);
        if (slots === undefined || !m.subscribedTopicIds.has(topicId)) continue;
        const partitions = [...m.assignment.get(topicId)!].sort((x, y) => x - y);
        for (const p of partitions) {
          if (p >= 0 && p < slots.length && slots[p] === undefined) give(m.memberId, topicId, p);
        }
      }
    }

    // 2. Free partitions to the least loaded subscriber, most constrained topics first.
    const byConstraint = [...topicIds].sort(
      (a, b) => subscribers.get(a)!.length - subscribers.get(b)!.length || compareStrings(a, b),
    );
    for (const topicId of byConstraint) {
      const slots = owners.get(topicId)!;
      const subs = subscribers.get(topicId)!;
      for (let p = 0; p < slots.length; p++) {
        if (slots[p] === undefined) give(leastLoaded(subs), topicId, p);
      }
    }

    // 3. Balance: move partitions while an owner has two or more than another subscriber.
    for (let moved = true; moved;) {
      moved = false;
      const order = [...members].sort(
        (a, b) =>
          count.get(b.memberId)! - count.get(a.memberId)! || compareStrings(a.memberId, b.memberId),
      );
      for (const m of order) {
        const byTopic = assigned.get(m.memberId)!;
        for (const topicId of [...byTopic.keys()].sort(compareStrings)) {
          const subs = subscribers.get(topicId)!;
          const partitions = [...(byTopic.get(topicId) ?? [])].sort((x, y) => y - x);
          for (const p of partitions) {
            const to = leastLoaded(subs);
            if (count.get(m.memberId)! - count.get(to)! < 2) break;
            take(m.memberId, topicId, p);
            give(to, topicId, p);
            moved = true;
          }
        }
      }
    }

    return new Map([...assigned].map(([memberId, a]) => [memberId, a as Assignment]));
  },
};
