// One KafkaJS 2.2.4 consumer-group member, run as a child process by kafkajs-group.ts so that a
// test can crash it for real (SIGKILL: no commit, no LeaveGroup). Not a test file.
//
// Arguments: one JSON document (MemberArgs). It subscribes to one topic from the beginning and
// commits, after every batch, the offset after the batch's last record (autoCommit off), unless
// told to hold. It prints one JSON line per event on stdout (pipes are written synchronously on
// Linux, so a line printed before a SIGKILL is not lost):
//   {"type":"assigned","generationId":G,"memberId":M,"partitions":[…]}  after each SyncGroup
//   {"type":"batch","partition":P,"records":[[offset,value],…]}        before the batch's commit
//   {"type":"committed","partition":P,"offset":O}                      once the broker acknowledged
//   {"type":"held"} {"type":"error","error":…} (a failed commit or disconnect)
//   {"type":"crash",…} (KafkaJS's CRASH event) {"type":"done"}
// Commands on stdin, one per line: "hold" (stop committing, keep consuming), "stop" (disconnect,
// which sends LeaveGroup, then exit 0). The process exits on its own after `lifetimeMs`.
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export interface MemberArgs {
  bootstrap: string;
  groupId: string;
  topic: string;
  clientId: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  lifetimeMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as MemberArgs;

function emit(event: object): void {
  process.stdout.write(`${JSON.stringify({ ...event, at: Date.now() })}\n`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

setTimeout(() => {
  emit({ type: 'error', error: `lifetime of ${args.lifetimeMs} ms reached` });
  process.exit(3);
}, args.lifetimeMs).unref();

// KafkaJS reports a member's generation only in this debug log line, written right after its
// SyncGroup: {generationId, memberId, memberAssignment: {topic: [partitions]}}. Its error logs are
// left out: it logs every error response (a heartbeat's REBALANCE_IN_PROGRESS among them).
function onLog(entry: LogEntry): void {
  const log = entry.log as LogEntry['log'] & {
    generationId?: number;
    memberId?: string;
    memberAssignment?: Record<string, number[]>;
  };
  if (log.message === 'Received assignment') {
    emit({
      type: 'assigned',
      generationId: log.generationId,
      memberId: log.memberId,
      partitions: [...(log.memberAssignment?.[args.topic] ?? [])].sort((a, b) => a - b),
    });
  }
}

const kafka = new Kafka({
  clientId: args.clientId,
  brokers: [args.bootstrap],
  logLevel: logLevel.DEBUG,
  logCreator: () => onLog,
  connectionTimeout: 3000,
  requestTimeout: 10_000,
  retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 },
});
const consumer = kafka.consumer({
  groupId: args.groupId,
  sessionTimeout: args.sessionTimeoutMs,
  heartbeatInterval: args.heartbeatIntervalMs,
  rebalanceTimeout: 20_000,
  maxWaitTimeInMs: 100,
});
consumer.on(consumer.events.CRASH, (e) =>
  emit({ type: 'crash', error: errorText(e.payload.error), restart: e.payload.restart }),
);

let holding = false;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await consumer.disconnect();
    emit({ type: 'done' });
    process.exit(0);
  } catch (err) {
    emit({ type: 'error', error: `disconnect: ${errorText(err)}` });
    process.exit(1);
  }
}

process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
  for (const command of chunk.split('\n')) {
    if (command === 'hold') {
      holding = true;
      emit({ type: 'held' });
    } else if (command === 'stop') void stop();
  }
});

await consumer.connect();
await consumer.subscribe({ topics: [args.topic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    const last = batch.messages[batch.messages.length - 1];
    if (last === undefined) return;
    emit({
      type: 'batch',
      partition: batch.partition,
      records: batch.messages.map((m) => [Number(m.offset), m.value?.toString('utf8') ?? null]),
    });
    if (holding) return;
    const offset = Number(last.offset) + 1;
    try {
      await consumer.commitOffsets([
        { topic: args.topic, partition: batch.partition, offset: String(offset) },
      ]);
      emit({ type: 'committed', partition: batch.partition, offset });
    } catch (err) {
      emit({ type: 'error', error: `commit ${batch.partition}@${offset}: ${errorText(err)}` });
    }
  },
});
emit({ type: 'running' });
