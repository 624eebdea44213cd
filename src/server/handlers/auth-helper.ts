// The authorization shapes the group and transaction handlers share, after Kafka's AuthHelper:
// splitting a request's topics by what the principal may do with them, and failing every
// partition of a topic list with one error.
import { authorizeTopic } from '../access.js';
import type { BrokerServices } from '../broker-services.js';
import type { RequestContext } from '../handler.js';

type Ctx = RequestContext<BrokerServices>;

/** Kafka's partitionSeqByAuthorized: the topics the principal may `operation`, and the others. */
export function partitionByAuthorized<T extends { readonly name: string }>(
  ctx: Ctx,
  operation: number,
  topics: readonly T[],
): { authorized: T[]; unauthorized: T[] } {
  const verdicts = new Map<string, boolean>();
  const authorized: T[] = [];
  const unauthorized: T[] = [];
  for (const t of topics) {
    let allowed = verdicts.get(t.name);
    if (allowed === undefined) {
      allowed = authorizeTopic(ctx, operation, t.name);
      verdicts.set(t.name, allowed);
    }
    (allowed ? authorized : unauthorized).push(t);
  }
  return { authorized, unauthorized };
}

export interface PartitionError {
  partitionIndex: number;
  errorCode: number;
}

/** Every partition of `topics` answered with `errorCode`, in the shape OffsetCommit and kin use. */
export function failPartitions(
  topics: readonly { name: string; partitions: readonly { partitionIndex: number }[] }[],
  errorCode: number,
): { name: string; partitions: PartitionError[] }[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
  }));
}
