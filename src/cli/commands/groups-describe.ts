// samsa groups --describe: Kafka's three views of a consumer group, byte for byte as
// kafka-consumer-groups.sh prints them (Java format strings, padded with spaces):
//
//   --offsets (the default)  GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
//                            "%-Gs %-Ts %-10s %-15s %-15s %-15s %-Cs %-Hs %s", G/T/C/H = max(15, longest)
//   --members [--verbose]    GROUP CONSUMER-ID [GROUP-INSTANCE-ID] HOST CLIENT-ID #PARTITIONS [ASSIGNMENT]
//   --state                  GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS
//
// Each view starts with a blank line. Rows of the offsets view: every member with partitions
// (most partitions first), its partitions by topic and number, then committed partitions no member
// owns (consumer, host and client "-"). LAG is the log end offset (ListOffsets latest) minus the
// committed offset; "-" without a committed offset. Status goes to stderr as Kafka writes it:
// "Consumer group 'g' has no active members." / "Warning: Consumer group 'g' is rebalancing."
// A group that does not exist is an error line (stderr) and makes the exit code 1.
import {
  fetchCommittedOffsets,
  LATEST_TIMESTAMP,
  listOffsets,
  tpKey,
  type KafkaClient,
  type TopicPartition,
} from '../client/index.js';
import type { Output } from '../output.js';
import { describeGroups, type GroupDescription } from './group-admin.js';

export type DescribeView = 'offsets' | 'members' | 'state';

export interface OffsetRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  consumerId: string;
  host: string;
  clientId: string;
}

/** Java's "%-Ns": padded with spaces to at least `width`, never cut. */
export function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

const MISSING = '-';
const REBALANCING = new Set([
  'PreparingRebalance',
  'CompletingRebalance',
  'Assigning',
  'Reconciling',
]);

const byTopicPartition = (a: TopicPartition, b: TopicPartition): number =>
  a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;

/** Prints the status line Kafka prints for the group's state; false when it does not exist. */
function reportState(out: Output, d: GroupDescription): boolean {
  if (d.state === 'Dead') {
    out.error(out.styleErr('red', `samsa groups: Consumer group '${d.groupId}' does not exist.`));
    return false;
  }
  if (d.state === 'Empty') out.error(`\nConsumer group '${d.groupId}' has no active members.`);
  else if (REBALANCING.has(d.state)) {
    out.error(out.styleErr('yellow', `\nWarning: Consumer group '${d.groupId}' is rebalancing.`));
  }
  return true;
}

export async function offsetRows(client: KafkaClient, d: GroupDescription): Promise<OffsetRow[]> {
  const committed = await fetchCommittedOffsets(client, d.groupId, null);
  const owned: { tp: TopicPartition; consumerId: string; host: string; clientId: string }[] = [];
  const members = [...d.members]
    .filter((m) => m.assignment.length > 0)
    .sort((a, b) => b.assignment.length - a.assignment.length);
  const assigned = new Set<string>();
  for (const m of members) {
    for (const tp of [...m.assignment].sort(byTopicPartition)) {
      assigned.add(tpKey(tp.topic, tp.partition));
      owned.push({ tp, consumerId: m.memberId, host: m.host, clientId: m.clientId });
    }
  }
  const unowned = [...committed.values()]
    .filter((c) => !assigned.has(tpKey(c.topic, c.partition)))
    .sort(byTopicPartition);
  for (const c of unowned) {
    owned.push({
      tp: { topic: c.topic, partition: c.partition },
      consumerId: MISSING,
      host: MISSING,
      clientId: MISSING,
    });
  }
  const ends = await listOffsets(
    client,
    owned.map((o) => ({ ...o.tp, timestamp: LATEST_TIMESTAMP })),
  );
  return owned.map((o) => {
    const k = tpKey(o.tp.topic, o.tp.partition);
    const end = ends.get(k);
    const logEndOffset = end !== undefined && end.error === null ? end.offset : null;
    const currentOffset = committed.get(k)?.offset ?? null;
    return {
      group: d.groupId,
      topic: o.tp.topic,
      partition: o.tp.partition,
      currentOffset,
      logEndOffset,
      lag:
        currentOffset !== null && currentOffset !== -1n && logEndOffset !== null
          ? logEndOffset - currentOffset
          : null,
      consumerId: o.consumerId,
      host: o.host,
      clientId: o.clientId,
    };
  });
}

const text = (v: bigint | number | null): string => (v === null ? MISSING : String(v));

function header(out: Output, line: string): string {
  return out.style('bold', line);
}

export function renderOffsets(out: Output, rows: readonly OffsetRow[]): void {
  let g = 15;
  let t = 15;
  let c = 15;
  let h = 15;
  for (const r of rows) {
    g = Math.max(g, r.group.length);
    t = Math.max(t, r.topic.length);
    c = Math.max(c, r.consumerId.length);
    h = Math.max(h, r.host.length);
  }
  const line = (cells: readonly string[]): string =>
    [
      pad(cells[0]!, g),
      pad(cells[1]!, t),
      pad(cells[2]!, 10),
      pad(cells[3]!, 15),
      pad(cells[4]!, 15),
      pad(cells[5]!, 15),
      pad(cells[6]!, c),
      pad(cells[7]!, h),
      cells[8]!,
    ].join(' ');
  out.line();
  out.line(
    header(
      out,
      line([
        'GROUP',
        'TOPIC',
        'PARTITION',
        'CURRENT-OFFSET',
        'LOG-END-OFFSET',
        'LAG',
        'CONSUMER-ID',
        'HOST',
        'CLIENT-ID',
      ]),
    ),
  );
  for (const r of rows) {
    out.line(
      line([
        r.group,
        r.topic,
        String(r.partition),
        text(r.currentOffset),
        text(r.logEndOffset),
        text(r.lag),
        r.consumerId,
        r.host,
        r.clientId,
      ]),
    );
  }
}

/** Kafka 3.9's ASSIGNMENT column: each topic's partitions as "(0,1,2)", topics joined by ", ". */
function assignmentText(assignment: readonly TopicPartition[]): string {
  if (assignment.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const tp of assignment)
    byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
  return [...byTopic.values()]
    .map((ps) => `(${ps.map(String).sort().join(',')})`)
    .sort()
    .join(', ');
}

export function renderMembers(out: Output, d: GroupDescription, verbose: boolean): void {
  let g = 15;
  let c = 15;
  let i = 17;
  let h = 15;
  let cl = 15;
  let withInstance = false;
  for (const m of d.members) {
    g = Math.max(g, d.groupId.length);
    c = Math.max(c, m.memberId.length);
    i = Math.max(i, (m.groupInstanceId ?? '').length);
    h = Math.max(h, m.host.length);
    cl = Math.max(cl, m.clientId.length);
    withInstance ||= (m.groupInstanceId ?? '') !== '';
  }
  const line = (cells: readonly string[]): string => {
    const [group, id, instance, host, client, count] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return withInstance
      ? `${pad(group, g)} ${pad(id, c)} ${pad(instance, i)} ${pad(host, h)} ${pad(client, cl)} ${pad(count, 15)} `
      : `${pad(group, g)} ${pad(id, c)} ${pad(host, h)} ${pad(client, cl)} ${pad(count, 15)} `;
  };
  out.line();
  out.line(
    header(
      out,
      line(['GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS']) +
        (verbose ? 'ASSIGNMENT' : ''),
    ),
  );
  for (const m of d.members) {
    out.line(
      line([
        d.groupId,
        m.memberId,
        m.groupInstanceId ?? '',
        m.host,
        m.clientId,
        String(m.assignment.length),
      ]) + (verbose ? assignmentText(m.assignment) : ''),
    );
  }
}

export function coordinatorText(d: GroupDescription): string {
  return `${d.coordinator.host}:${d.coordinator.port}  (${d.coordinator.nodeId})`;
}

export function renderState(out: Output, d: GroupDescription): void {
  const coordinator = coordinatorText(d);
  // Kafka 3.9 pads the GROUP column to the coordinator's width and COORDINATOR to 25.
  const width = Math.max(25, coordinator.length);
  const line = (cells: readonly string[]): string =>
    `${pad(cells[0]!, width)} ${pad(cells[1]!, 25)} ${pad(cells[2]!, 20)} ${pad(cells[3]!, 15)} ${cells[4]!}`;
  out.line();
  out.line(
    header(out, line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'])),
  );
  out.line(line([d.groupId, coordinator, d.assignor, d.state, String(d.members.length)]));
}

/** Runs --describe for `groupIds`; returns the exit code (1 when a group does not exist). */
export async function describe(
  client: KafkaClient,
  groupIds: readonly string[],
  view: DescribeView,
  verbose: boolean,
  out: Output,
  json: boolean,
): Promise<number> {
  const descriptions = await describeGroups(client, groupIds);
  const ids = [...descriptions.keys()].sort();
  let code = 0;
  const results: unknown[] = [];
  for (const id of ids) {
    const d = descriptions.get(id)!;
    if (json) {
      if (d.state === 'Dead') {
        out.error(out.styleErr('red', `samsa groups: Consumer group '${id}' does not exist.`));
        code = 1;
        continue;
      }
      results.push(await describeJson(client, d, view));
      continue;
    }
    if (view === 'offsets') {
      const exists = reportState(out, d);
      if (!exists) {
        code = 1;
        continue;
      }
      const rows = await offsetRows(client, d);
      if (rows.length > 0) renderOffsets(out, rows);
    } else if (view === 'members') {
      // Kafka prints the members header even for an empty group.
      if (!reportState(out, d)) code = 1;
      renderMembers(out, d, verbose);
    } else {
      if (!reportState(out, d)) {
        code = 1;
        continue;
      }
      renderState(out, d);
    }
  }
  if (json) out.json(results);
  return code;
}

async function describeJson(
  client: KafkaClient,
  d: GroupDescription,
  view: DescribeView,
): Promise<unknown> {
  const base = { group: d.groupId, type: d.type.toLowerCase(), state: d.state };
  if (view === 'offsets') {
    const rows = await offsetRows(client, d);
    return {
      ...base,
      offsets: rows.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        currentOffset: r.currentOffset,
        logEndOffset: r.logEndOffset,
        lag: r.lag,
        consumerId: r.consumerId === MISSING ? null : r.consumerId,
        host: r.host === MISSING ? null : r.host,
        clientId: r.clientId === MISSING ? null : r.clientId,
      })),
    };
  }
  if (view === 'members') {
    return {
      ...base,
      members: d.members.map((m) => ({
        consumerId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        host: m.host,
        clientId: m.clientId,
        partitions: m.assignment.length,
        assignment: [...m.assignment].sort(byTopicPartition),
        ...(m.targetAssignment === null
          ? {}
          : {
              targetAssignment: [...m.targetAssignment].sort(byTopicPartition),
              memberEpoch: m.memberEpoch,
            }),
      })),
    };
  }
  return {
    ...base,
    coordinator: { id: d.coordinator.nodeId, host: d.coordinator.host, port: d.coordinator.port },
    assignmentStrategy: d.assignor,
    members: d.members.length,
    ...(d.groupEpoch === null
      ? {}
      : { groupEpoch: d.groupEpoch, targetAssignmentEpoch: d.targetAssignmentEpoch }),
  };
}
