// The topic metadata a group coordinator shard reads for KIP-848 consumer groups: names, ids
// and partition counts. The broker passes a view backed by its metadata store; the shard never
// caches what it reads, so after topics are created, deleted or grow partitions the service calls
// `GroupCoordinatorShard.onTopicsChanged()` to let subscriptions follow.

export interface TopicsView {
  /** The topic's id (22-char base64url UUID, as in the generated codecs) and partition count. */
  byName(name: string): { topicId: string; partitions: number } | undefined;
  byId(topicId: string): { name: string; partitions: number } | undefined;
  /** Every topic name, for regex subscriptions. */
  names(): Iterable<string>;
}

/** A view with no topics, the default when the shard is built without one. */
export const EMPTY_TOPICS_VIEW: TopicsView = {
  byName: () => undefined,
  byId: () => undefined,
  names: () => [],
};
