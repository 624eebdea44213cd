// The server assignors a consumer group can use, by Kafka's names. `group.consumer.assignors`
// lists class names (org.apache.kafka.coordinator.group.assignor.UniformAssignor); members name
// assignors by their short names ("uniform", "range") in ConsumerGroupHeartbeat.

import { SamsaError } from '../../../errors/samsa-error.js';
import type { ConsumerGroupPartitionAssignor } from './assignor.js';
import { rangeAssignor } from './range.js';
import { uniformAssignor } from './uniform.js';

export type {
  AssignmentMemberSpec,
  ConsumerGroupPartitionAssignor,
  GroupSpec,
  SubscribedTopicDescriber,
} from './assignor.js';
export { rangeAssignor } from './range.js';
export { uniformAssignor } from './uniform.js';

const BY_NAME: Record<string, ConsumerGroupPartitionAssignor> = {
  uniform: uniformAssignor,
  range: rangeAssignor,
  'org.apache.kafka.coordinator.group.assignor.UniformAssignor': uniformAssignor,
  'org.apache.kafka.coordinator.group.assignor.RangeAssignor': rangeAssignor,
};

/**
 * The assignors of a `group.consumer.assignors` list (short or class names), in order, without
 * duplicates. SAMSA_ERR_CONFIG_INVALID_VALUE for a name Samsa does not implement or an empty list.
 */
export function consumerGroupAssignors(names: readonly string[]): ConsumerGroupPartitionAssignor[] {
  const out: ConsumerGroupPartitionAssignor[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const assignor = Object.hasOwn(BY_NAME, name) ? BY_NAME[name] : undefined;
    if (assignor === undefined) {
      throw new SamsaError(
        'SAMSA_ERR_CONFIG_INVALID_VALUE',
        `Invalid value ${JSON.stringify(raw)} in group.consumer.assignors: Samsa implements uniform and range (or their class names)`,
      );
    }
    if (!out.includes(assignor)) out.push(assignor);
  }
  if (out.length === 0) {
    throw new SamsaError(
      'SAMSA_ERR_CONFIG_INVALID_VALUE',
      'Invalid value for group.consumer.assignors: the list must name at least one assignor',
    );
  }
  return out;
}
