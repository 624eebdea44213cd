// samsa groups --reset-offsets: plans new committed offsets for inactive groups and, with
// --execute, commits them (an admin OffsetCommit: generation -1, no member). Kafka's scenarios:
//
//   --to-earliest / --to-latest   ListOffsets earliest / latest
//   --to-current                  the committed offset (the log end where there is none)
//   --to-offset N                 N, clamped to [earliest, latest] with a warning
//   --shift-by ±N                 committed + N, clamped likewise (a committed offset is needed)
//   --to-datetime T / --by-duration D   the first offset at or after T (now − D); the log end
//                                 where no record is that new
//   --from-file plan.csv          topic,partition,offset (or group,topic,partition,offset) lines
//
// Scope: --all-topics (the partitions the group has offsets for) or --topic t / t:0,1 (repeatable).
// A group with members is refused with Kafka's message. --dry-run (the default) only prints the
// plan, Kafka's "GROUP TOPIC PARTITION NEW-OFFSET" ("%-30s %-30s %-10s %-15s"); --export prints it
// as CSV instead.
import { readFileSync } from 'node:fs';
import { UsageError, type ParsedArgs } from '../args.js';
import {
  ADMIN_COMMIT,
  commitOffsets,
  EARLIEST_TIMESTAMP,
  fetchCommittedOffsets,
  kafkaErrorFor,
  LATEST_TIMESTAMP,
  listOffsets,
  tpKey,
  type KafkaClient,
  type OffsetAnswer,
  type TopicPartition,
} from '../client/index.js';
import type { Output } from '../output.js';
import { describeGroups } from './group-admin.js';
import { pad } from './groups-describe.js';

export const RESET_SCENARIOS = [
  'to-datetime',
  'by-duration',
  'to-earliest',
  'to-latest',
  'shift-by',
  'from-file',
  'to-current',
  'to-offset',
] as const;
export type ResetScenario = (typeof RESET_SCENARIOS)[number];

interface Planned extends TopicPartition {
  offset: bigint;
}

const byTopicPartition = (a: TopicPartition, b: TopicPartition): number =>
  a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1;

/** Kafka's Utils.getDateTime: YYYY-MM-DDTHH:mm:SS.sss, with Z, ±hh, ±hhmm or ±hh:mm; UTC without. */
export function parseDateTime(text: string): number {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(
      text,
    );
  const bad = (): UsageError =>
    new UsageError(
      `Invalid --to-datetime "${text}": expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone (Z, +02:00)`,
    );
  if (m === null) throw bad();
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const utc = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms),
  );
  const check = new Date(utc);
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw bad();
  }
  return utc - offsetMinutes * 60_000;
}

/** java.time.Duration.parse: PnDTnHnMn.nS (days, hours, minutes, seconds; each may be signed). */
export function parseDuration(text: string): number {
  const m =
    /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(
      text,
    );
  if (m === null || text.toUpperCase().endsWith('T') || !/\d/.test(text)) {
    throw new UsageError(
      `Invalid --by-duration "${text}": expected PnDTnHnMnS, for example PT1H or P1DT12H`,
    );
  }
  const [, sign, days, hours, minutes, seconds, fraction] = m;
  const secs = Number(seconds ?? 0);
  const frac = fraction
    ? Number(`0.${fraction}`) * (secs < 0 || seconds?.startsWith('-') ? -1 : 1)
    : 0;
  const ms =
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    (secs + frac) * 1000;
  return sign === '-' ? -ms : ms;
}

/** --topic values: "t" (every partition) or "t:0,1". */
async function scopePartitions(
  client: KafkaClient,
  topics: readonly string[],
): Promise<TopicPartition[]> {
  const out: TopicPartition[] = [];
  const whole: string[] = [];
  for (const arg of topics) {
    if (!arg.includes(':')) {
      whole.push(arg);
      continue;
    }
    const parts = arg.split(':');
    if (parts.length !== 2) {
      throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
    }
    for (const p of parts[1]!.split(',')) {
      if (!/^\d+$/.test(p.trim())) {
        throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}'`);
      }
      out.push({ topic: parts[0]!, partition: Number(p) });
    }
  }
  const named = [...new Set([...whole, ...out.map((p) => p.topic)])];
  if (named.length > 0) {
    const metadata = await client.metadata(named);
    for (const name of named) {
      const t = metadata.topics.find((x) => x.name === name);
      if (t === undefined || t.errorCode !== 0) {
        throw kafkaErrorFor(t?.errorCode || 3, `Topic '${name}' does not exist`);
      }
      if (whole.includes(name)) {
        for (const p of t.partitions) out.push({ topic: name, partition: p.partitionIndex });
      }
      const missing = out.filter(
        (p) => p.topic === name && !t.partitions.some((x) => x.partitionIndex === p.partition),
      );
      if (missing.length > 0) {
        throw kafkaErrorFor(
          3,
          `The partitions "${missing.map((p) => `${p.topic}-${p.partition}`).join(',')}" do not exist`,
        );
      }
    }
  }
  const seen = new Set<string>();
  return out.filter((p) => {
    const k = tpKey(p.topic, p.partition);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The plan file: "topic,partition,offset" lines for one group, else "group,topic,partition,offset". */
export function parseResetPlan(text: string, groups: readonly string[]): Map<string, Planned[]> {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
  const plan = new Map<string, Planned[]>();
  const threeFields = lines.length > 0 && lines[0]!.split(',').length === 3;
  for (const line of lines) {
    const fields = line.split(',').map((f) => f.trim());
    const withGroup = !(groups.length === 1 && threeFields);
    const [group, topic, partition, offset] = withGroup ? fields : [groups[0]!, ...fields];
    if (
      fields.length !== (withGroup ? 4 : 3) ||
      !/^\d+$/.test(partition ?? '') ||
      !/^-?\d+$/.test(offset ?? '')
    ) {
      throw new UsageError(
        `Invalid line in --from-file: "${line}" (expected ${withGroup ? 'group,' : ''}topic,partition,offset)`,
      );
    }
    plan.set(group!, [
      ...(plan.get(group!) ?? []),
      { topic: topic!, partition: Number(partition), offset: BigInt(offset!) },
    ]);
  }
  return plan;
}

async function offsetsAt(
  client: KafkaClient,
  partitions: readonly TopicPartition[],
  timestamp: bigint,
): Promise<Map<string, OffsetAnswer>> {
  const answers = await listOffsets(
    client,
    partitions.map((p) => ({ ...p, timestamp })),
  );
  for (const a of answers.values()) if (a.error !== null) throw a.error;
  return answers;
}

/** Kafka's checkOffsetsRange: offsets past the log end or before its start are moved inside. */
async function clamp(
  client: KafkaClient,
  requested: readonly Planned[],
  out: Output,
): Promise<Planned[]> {
  const starts = await offsetsAt(client, requested, EARLIEST_TIMESTAMP);
  const ends = await offsetsAt(client, requested, LATEST_TIMESTAMP);
  return requested.map((r) => {
    const k = tpKey(r.topic, r.partition);
    const end = ends.get(k)!.offset;
    const start = starts.get(k)!.offset;
    if (r.offset > end) {
      out.error(
        `WARN: New offset (${r.offset}) is higher than latest offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${end}`,
      );
      return { ...r, offset: end };
    }
    if (r.offset < start) {
      out.error(
        `WARN: New offset (${r.offset}) is lower than earliest offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${start}`,
      );
      return { ...r, offset: start };
    }
    return r;
  });
}

async function byTimestamp(
  client: KafkaClient,
  partitions: readonly TopicPartition[],
  timestamp: number,
  out: Output,
): Promise<Planned[]> {
  const found = await offsetsAt(client, partitions, BigInt(timestamp));
  const empty = partitions.filter((p) => found.get(tpKey(p.topic, p.partition))!.offset === -1n);
  for (const p of empty) {
    out.line(
      `\nWarn: Partition ${p.partition} from topic ${p.topic} is empty. Falling back to latest known offset.`,
    );
  }
  const ends = empty.length > 0 ? await offsetsAt(client, empty, LATEST_TIMESTAMP) : new Map();
  return partitions.map((p) => {
    const k = tpKey(p.topic, p.partition);
    const offset = found.get(k)!.offset;
    return { ...p, offset: offset === -1n ? (ends.get(k) as OffsetAnswer).offset : offset };
  });
}

async function plan(
  client: KafkaClient,
  groupId: string,
  args: ParsedArgs,
  scenario: ResetScenario,
  filePlan: Map<string, Planned[]> | null,
  out: Output,
): Promise<Planned[] | null> {
  let partitions: TopicPartition[] = [];
  if (args.has('all-topics')) {
    partitions = [...(await fetchCommittedOffsets(client, groupId, null)).values()].map((c) => ({
      topic: c.topic,
      partition: c.partition,
    }));
  } else if (args.has('topic')) {
    partitions = await scopePartitions(client, args.values('topic'));
  }
  partitions.sort(byTopicPartition);
  const committed = async (): Promise<Map<string, bigint>> =>
    new Map(
      [...(await fetchCommittedOffsets(client, groupId, partitions)).values()].map((c) => [
        tpKey(c.topic, c.partition),
        c.offset,
      ]),
    );
  switch (scenario) {
    case 'to-earliest':
    case 'to-latest': {
      const found = await offsetsAt(
        client,
        partitions,
        scenario === 'to-earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
      );
      return partitions.map((p) => ({
        ...p,
        offset: found.get(tpKey(p.topic, p.partition))!.offset,
      }));
    }
    case 'to-offset': {
      const n = BigInt(args.int('to-offset')!);
      return clamp(
        client,
        partitions.map((p) => ({ ...p, offset: n })),
        out,
      );
    }
    case 'shift-by': {
      const by = BigInt(args.int('shift-by')!);
      const current = await committed();
      return clamp(
        client,
        partitions.map((p) => {
          const c = current.get(tpKey(p.topic, p.partition));
          if (c === undefined) {
            throw new Error(
              `Cannot shift offset for partition ${p.topic}-${p.partition} since there is no current committed offset`,
            );
          }
          return { ...p, offset: c + by };
        }),
        out,
      );
    }
    case 'to-current': {
      const current = await committed();
      const missing = partitions.filter((p) => !current.has(tpKey(p.topic, p.partition)));
      const ends =
        missing.length > 0 ? await offsetsAt(client, missing, LATEST_TIMESTAMP) : new Map();
      return partitions.map((p) => {
        const k = tpKey(p.topic, p.partition);
        return { ...p, offset: current.get(k) ?? (ends.get(k) as OffsetAnswer).offset };
      });
    }
    case 'to-datetime':
      return byTimestamp(client, partitions, parseDateTime(args.value('to-datetime')!), out);
    case 'by-duration':
      return byTimestamp(
        client,
        partitions,
        Date.now() - parseDuration(args.value('by-duration')!),
        out,
      );
    case 'from-file': {
      const forGroup = filePlan?.get(groupId);
      if (forGroup === undefined) {
        out.error(out.styleErr('red', `samsa groups: No reset plan for group ${groupId} found`));
        return null;
      }
      await scopePartitions(
        client,
        forGroup.map((p) => `${p.topic}:${p.partition}`),
      );
      return clamp(client, [...forGroup].sort(byTopicPartition), out);
    }
  }
}

export async function resetOffsets(
  client: KafkaClient,
  groupIds: readonly string[],
  args: ParsedArgs,
  scenario: ResetScenario,
  out: Output,
  json: boolean,
): Promise<number> {
  let filePlan: Map<string, Planned[]> | null = null;
  if (scenario === 'from-file') {
    const file = args.value('from-file')!;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `Cannot read --from-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    filePlan = parseResetPlan(text, groupIds);
  }
  const execute = args.has('execute');
  const descriptions = await describeGroups(client, groupIds);
  const results = new Map<string, Planned[]>();
  let code = 0;
  for (const groupId of [...descriptions.keys()].sort()) {
    const d = descriptions.get(groupId)!;
    if (d.state !== 'Empty' && d.state !== 'Dead') {
      out.error(
        out.styleErr(
          'red',
          `samsa groups: Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${d.state}.`,
        ),
      );
      results.set(groupId, []);
      code = 1;
      continue;
    }
    const planned = await plan(client, groupId, args, scenario, filePlan, out);
    if (planned === null) {
      results.set(groupId, []);
      code = 1;
      continue;
    }
    if (execute) {
      const failed = await commitOffsets(client, groupId, planned, ADMIN_COMMIT);
      for (const [k, err] of failed) {
        const [topic, partition] = k.split('\u0000');
        out.error(
          out.styleErr(
            'red',
            `samsa groups: Cannot reset ${topic}-${partition} of group '${groupId}': ${err.message} (${err.errorName})`,
          ),
        );
        code = 1;
      }
    }
    results.set(groupId, planned);
  }
  if (json) {
    out.json(
      [...results].flatMap(([group, ps]) =>
        ps.map((p) => ({ group, topic: p.topic, partition: p.partition, newOffset: p.offset })),
      ),
    );
  } else if (args.has('export')) {
    const withGroup = args.values('group').length !== 1;
    const csv = [...results]
      .flatMap(([group, ps]) =>
        ps.map((p) => `${withGroup ? `${group},` : ''}${p.topic},${p.partition},${p.offset}\n`),
      )
      .join('');
    // Kafka prints the CSV with println: one more newline at the end.
    out.line(csv);
  } else {
    const format = (cells: readonly string[]): string =>
      `${pad(cells[0]!, 30)} ${pad(cells[1]!, 30)} ${pad(cells[2]!, 10)} ${pad(cells[3]!, 15)}`;
    if (results.size > 0) {
      out.line();
      out.write(out.style('bold', format(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])));
    }
    for (const [group, ps] of results) {
      for (const p of ps)
        out.write(`\n${format([group, p.topic, String(p.partition), String(p.offset)])}`);
    }
    out.line();
  }
  return code;
}
