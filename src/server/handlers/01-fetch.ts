// Fetch (key 1), v4-17. v0-3 need the old message formats, which Kafka 4.0 dropped too.
//
// Long poll: every partition is read once; when the response has fewer than min_bytes and no
// error, the request parks on the partitions' logs (waitForAppend) until one of them gets new
// data or max_wait_ms passes, then reads again. Appends wake it; nothing polls.
// Size limits: partition_max_bytes per partition and max_bytes for the response, except that the
// first batch of the first partition with data is returned whole even when larger, so a consumer
// can always make progress (KIP-74). A fetch offset inside a batch returns that whole batch.
// Fetch sessions (KIP-227) are declined as the protocol allows: session id 0 on every response,
// so clients keep sending full fetch requests; an incremental fetch (epoch > 0) of a session this
// broker never created gets FETCH_SESSION_ID_NOT_FOUND. Preferred read replica is left unset.
// read_committed reads up to the last stable offset (the high watermark until transactions).
// With an authorizer, partitions of topics the principal may not READ get
// TOPIC_AUTHORIZATION_FAILED (before existence is checked, so names are not probed).
import { setMaxListeners } from 'node:events';
import { KafkaError } from '../../errors/kafka-error.js';
import type { TopicMetadata } from '../../metadata/metadata-store.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  FetchRequest,
  FetchResponse,
  FetchResponseFetchableTopicResponse,
  FetchResponsePartitionData,
} from '../../protocol/generated/api/fetch.js';
import type { PartitionLog } from '../../storage/index.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';
import { authorizeTopic } from '../access.js';
import { AclOperation } from '../../metadata/acl-binding.js';

const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;

interface PartitionFetch {
  readonly topic: TopicMetadata | undefined;
  /** May the principal READ the topic? (true for an unknown id: there is nothing to protect) */
  readonly authorized: boolean;
  /** The name or id as the client sent it, for the response. */
  readonly topicName: string;
  readonly topicId: string;
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly currentLeaderEpoch: number;
  readonly maxBytes: number;
}

function emptyPartition(partitionIndex: number, errorCode = 0): FetchResponsePartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}

function plan(ctx: RequestContext<BrokerServices>, request: FetchRequest): PartitionFetch[] {
  const byId = ctx.apiVersion >= 13;
  const fetches: PartitionFetch[] = [];
  for (const t of request.topics) {
    const topic = byId
      ? ctx.services.metadata.topicById(t.topicId)
      : ctx.services.metadata.topic(t.topic);
    const name = byId ? topic?.name : t.topic;
    const authorized = name === undefined || authorizeTopic(ctx, AclOperation.READ, name);
    for (const p of t.partitions) {
      fetches.push({
        topic,
        authorized,
        topicName: t.topic,
        topicId: t.topicId,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        currentLeaderEpoch: p.currentLeaderEpoch,
        maxBytes: p.partitionMaxBytes,
      });
    }
  }
  return fetches;
}

interface ReadOutcome {
  readonly data: FetchResponsePartitionData;
  readonly log: PartitionLog | null;
}

async function readAll(
  ctx: RequestContext<BrokerServices>,
  request: FetchRequest,
  fetches: readonly PartitionFetch[],
): Promise<{ outcomes: ReadOutcome[]; bytes: number; failed: boolean }> {
  const isolation = request.isolationLevel === READ_COMMITTED ? 'txn_committed' : 'high_watermark';
  let budget = request.maxBytes;
  let bytes = 0;
  let failed = false;
  const outcomes: ReadOutcome[] = [];
  // Sequential on purpose: the response budget is shared in request order.
  for (const f of fetches) {
    if (!f.authorized) {
      const { errorCode } = new KafkaError('TOPIC_AUTHORIZATION_FAILED');
      outcomes.push({ data: emptyPartition(f.partition, errorCode), log: null });
      failed = true;
      continue;
    }
    if (f.topic === undefined) {
      const name = ctx.apiVersion >= 13 ? 'UNKNOWN_TOPIC_ID' : 'UNKNOWN_TOPIC_OR_PARTITION';
      outcomes.push({
        data: emptyPartition(f.partition, new KafkaError(name).errorCode),
        log: null,
      });
      failed = true;
      continue;
    }
    try {
      ctx.services.replicas.checkLeaderEpoch(f.currentLeaderEpoch);
      const log = ctx.services.replicas.partition(f.topic.name, f.partition);
      const result = await log.read(f.fetchOffset, {
        maxBytes: Math.max(0, Math.min(f.maxBytes, budget)),
        minOneBatch: bytes === 0,
        isolation,
      });
      budget -= result.records.length;
      bytes += result.records.length;
      outcomes.push({
        log,
        data: {
          ...emptyPartition(f.partition),
          highWatermark: result.highWatermark,
          lastStableOffset: result.lastStableOffset,
          logStartOffset: result.logStartOffset,
          // read_committed: the aborted transactions in the range, so clients drop their records.
          abortedTransactions:
            request.isolationLevel === READ_COMMITTED
              ? (result.abortedTransactions ?? []).map(({ producerId, firstOffset }) => ({
                  producerId,
                  firstOffset,
                }))
              : null,
          records: result.records,
        },
      });
    } catch (err) {
      const { errorCode } = errorFields(ctx, err, `${f.topic.name}-${f.partition}`);
      outcomes.push({ data: emptyPartition(f.partition, errorCode), log: null });
      failed = true;
    }
  }
  return { outcomes, bytes, failed };
}

/** Waits until a partition with no data so far gets some, the wait expires, or the client leaves. */
async function waitForData(
  ctx: RequestContext<BrokerServices>,
  fetches: readonly PartitionFetch[],
  outcomes: readonly ReadOutcome[],
  deadline: number,
  readCommitted: boolean,
): Promise<void> {
  const abort = new AbortController();
  // One listener per partition waited on: a fetch of many partitions is not a leak.
  setMaxListeners(fetches.length + 1, abort.signal);
  const onClose = (): void => abort.abort();
  ctx.signal.addEventListener('abort', onClose, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    // Wait for data past what this read saw: the high watermark (the last stable offset for
    // read_committed, which only a marker moves), or the fetch offset if later.
    const waits = outcomes.flatMap((o, i) => {
      if (o.log === null) return [];
      const bound = readCommitted ? o.data.lastStableOffset : o.data.highWatermark;
      const fetchOffset = fetches[i]!.fetchOffset;
      const seen = bound > fetchOffset ? bound : fetchOffset;
      return [
        o.log.waitForAppend(seen, abort.signal, readCommitted ? 'txn_committed' : 'high_watermark'),
      ];
    });
    const expiry = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    });
    await Promise.race([expiry, ...waits.map((w) => w.catch(() => undefined))]);
  } finally {
    clearTimeout(timer);
    abort.abort();
    ctx.signal.removeEventListener('abort', onClose);
  }
}

function respond(
  fetches: readonly PartitionFetch[],
  outcomes: readonly ReadOutcome[],
  errorCode = 0,
): FetchResponse {
  const topics: FetchResponseFetchableTopicResponse[] = [];
  fetches.forEach((f, i) => {
    let last = topics[topics.length - 1];
    if (last === undefined || last.topic !== f.topicName || last.topicId !== f.topicId) {
      last = { topic: f.topicName, topicId: f.topicId, partitions: [] };
      topics.push(last);
    }
    last.partitions.push(outcomes[i]!.data);
  });
  return { ...Apis.Fetch.response.create(), errorCode, sessionId: 0, responses: topics };
}

export const fetchHandler = defineHandler({
  api: Apis.Fetch,
  minVersion: 4,
  maxVersion: 17,
  async handle(ctx: RequestContext<BrokerServices>, request: FetchRequest): Promise<FetchResponse> {
    const fetches = plan(ctx, request);
    if (ctx.apiVersion >= 7 && request.sessionEpoch > 0) {
      return {
        ...respond([], []),
        errorCode: new KafkaError('FETCH_SESSION_ID_NOT_FOUND').errorCode,
      };
    }
    const deadline = Date.now() + request.maxWaitMs;
    for (;;) {
      const { outcomes, bytes, failed } = await readAll(ctx, request, fetches);
      const satisfied = bytes >= request.minBytes || failed || fetches.length === 0;
      if (satisfied || Date.now() >= deadline || ctx.signal.aborted)
        return respond(fetches, outcomes);
      await waitForData(
        ctx,
        fetches,
        outcomes,
        deadline,
        request.isolationLevel === READ_COMMITTED,
      );
    }
  },
});
