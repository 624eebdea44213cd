// samsa groups: kafka-consumer-groups.sh. List consumer groups (with --state / --type as a table),
// describe them (offsets and lag, members, state), reset their offsets, delete them, delete some
// of their offsets — classic groups and KIP-848 consumer groups alike. Layouts are Kafka's (see
// groups-describe.ts, groups-reset.ts); errors are one line on stderr and exit 1.
import { UsageError, oneAction, rejectFlags, type ParsedArgs } from '../args.js';
import { Apis } from '../../protocol/generated/index.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { KafkaClient, kafkaErrorFor, type TopicPartition } from '../client/index.js';
import {
  CONNECTION_FLAGS,
  OUTPUT_FLAG,
  clientOptions,
  wantsJson,
  type Command,
} from '../command.js';
import { explain, javaException } from '../explain.js';
import type { Output } from '../output.js';
import {
  GROUP_STATES,
  GROUP_TYPES,
  listGroups,
  stateName,
  typeName,
  type ListedGroup,
} from './group-admin.js';
import { describe, pad, type DescribeView } from './groups-describe.js';
import { RESET_SCENARIOS, resetOffsets } from './groups-reset.js';

const ACTIONS = ['list', 'describe', 'delete', 'reset-offsets', 'delete-offsets'] as const;

export const groupsCommand: Command = {
  name: 'groups',
  summary: 'List, describe, reset and delete consumer groups',
  kafkaTool: 'kafka-consumer-groups.sh',
  usage: [
    'samsa groups --list [--state [STATES]] [--type [TYPES]]',
    'samsa groups --describe (--group ID... | --all-groups) [--offsets | --members [--verbose] | --state]',
    'samsa groups --reset-offsets --group ID (--all-topics | --topic T[:P,P]...) --to-earliest|… [--dry-run | --execute | --export]',
    'samsa groups --delete (--group ID... | --all-groups)',
    'samsa groups --delete-offsets --group ID --topic T[:P,P]...',
  ],
  description:
    'Exactly one action. --describe shows offsets and lag by default; LAG is the log end offset\n' +
    'minus the committed one. --reset-offsets only plans (--dry-run) unless --execute is given, and\n' +
    'only for a group with no active members.',
  words: ACTIONS.map((a) => `--${a}`),
  flags: [
    ...CONNECTION_FLAGS,
    { name: 'list', kind: 'boolean', help: 'List consumer groups' },
    {
      name: 'describe',
      kind: 'boolean',
      help: 'Describe groups: offsets and lag (default), members or state',
    },
    {
      name: 'delete',
      kind: 'boolean',
      help: 'Delete groups (with no active members) and their offsets',
    },
    {
      name: 'reset-offsets',
      kind: 'boolean',
      help: 'Reset the committed offsets of inactive groups',
    },
    {
      name: 'delete-offsets',
      kind: 'boolean',
      help: 'Delete a group’s committed offsets of some topics',
    },
    {
      name: 'group',
      kind: 'list',
      placeholder: 'ID',
      help: 'The group (repeatable)',
      complete: 'group',
    },
    { name: 'all-groups', kind: 'boolean', help: 'Every consumer group' },
    {
      name: 'topic',
      kind: 'list',
      placeholder: 'T[:P,P]',
      help: 'A topic, optionally with partitions (repeatable; --reset-offsets, --delete-offsets)',
      complete: 'topic',
    },
    {
      name: 'all-topics',
      kind: 'boolean',
      help: 'Every topic the group has offsets for (--reset-offsets)',
    },
    { name: 'offsets', kind: 'boolean', help: 'Describe offsets and lag (the default view)' },
    { name: 'members', kind: 'boolean', help: 'Describe members' },
    {
      name: 'state',
      kind: 'optional',
      placeholder: '[STATES]',
      help: 'With --describe: the group’s state. With --list: show states, or list only these (stable,empty,…)',
      complete: GROUP_STATES.map((s) => s.toLowerCase()),
    },
    {
      name: 'type',
      kind: 'optional',
      placeholder: '[TYPES]',
      help: 'With --list: show types, or list only these (classic,consumer)',
      complete: ['classic', 'consumer'],
    },
    { name: 'dry-run', kind: 'boolean', help: 'Only show the new offsets (the default)' },
    { name: 'execute', kind: 'boolean', help: 'Commit the new offsets' },
    {
      name: 'export',
      kind: 'boolean',
      help: 'Print the plan as CSV (topic,partition,offset) for --from-file',
    },
    { name: 'to-earliest', kind: 'boolean', help: 'Reset to the earliest offset' },
    { name: 'to-latest', kind: 'boolean', help: 'Reset to the latest offset' },
    { name: 'to-current', kind: 'boolean', help: 'Reset to the committed offset' },
    { name: 'to-offset', kind: 'value', placeholder: 'N', help: 'Reset to offset N' },
    { name: 'shift-by', kind: 'value', placeholder: '±N', help: 'Move the committed offset by N' },
    {
      name: 'to-datetime',
      kind: 'value',
      placeholder: 'DATETIME',
      help: 'Reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[zone] (UTC without a zone)',
    },
    {
      name: 'by-duration',
      kind: 'value',
      placeholder: 'PnDTnHnMnS',
      help: 'Reset to the first offset at or after now minus the duration',
    },
    {
      name: 'from-file',
      kind: 'value',
      placeholder: 'CSV',
      help: 'Reset to the offsets in a CSV plan (as --export writes it)',
      complete: 'file',
    },
    {
      name: 'timeout',
      kind: 'value',
      placeholder: 'MS',
      help: 'How long calls may retry a moving coordinator (default 5000)',
    },
    OUTPUT_FLAG,
  ],
  examples: [
    'samsa groups --list',
    'samsa groups --list --state stable,empty --type',
    'samsa groups --describe --group billing',
    'samsa groups --describe --group billing --members --verbose',
    'samsa groups --describe --all-groups --state',
    'samsa groups --describe --group billing --output json',
    'samsa groups --reset-offsets --group billing --topic orders --to-earliest            # plan only',
    'samsa groups --reset-offsets --group billing --all-topics --to-datetime 2024-05-01T00:00:00.000 --execute',
    'samsa groups --reset-offsets --group billing --topic orders:0,1 --shift-by -10 --execute',
    'samsa groups --reset-offsets --group billing --all-topics --to-current --export',
    'samsa groups --delete --group billing',
    'samsa groups --delete-offsets --group billing --topic orders',
  ],
  async run({ args, out }) {
    const action = oneAction(args, ACTIONS);
    checkArgs(args, action);
    const json = wantsJson(args);
    if (json && (action === 'delete' || action === 'delete-offsets')) {
      throw new UsageError(
        `--output json applies to --list, --describe and --reset-offsets, not --${action}`,
      );
    }
    if (action === 'reset-offsets' && !args.has('dry-run') && !args.has('execute')) {
      out.error(
        'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.',
      );
    }
    const timeout = args.int('timeout', { min: 1 });
    const options = clientOptions(args);
    const client = await KafkaClient.connect({
      ...options,
      ...(timeout === undefined ? { retryTimeoutMs: 5_000 } : { retryTimeoutMs: timeout }),
    });
    try {
      const groups = async (): Promise<string[]> =>
        args.has('all-groups')
          ? (await listGroups(client)).map((g) => g.groupId)
          : args.values('group');
      switch (action) {
        case 'list':
          return await list(client, args, out, json);
        case 'describe': {
          const view: DescribeView = args.has('members')
            ? 'members'
            : args.has('state')
              ? 'state'
              : 'offsets';
          return await describe(client, await groups(), view, args.has('verbose'), out, json);
        }
        case 'reset-offsets': {
          const scenario = RESET_SCENARIOS.find((s) => args.has(s))!;
          return await resetOffsets(client, await groups(), args, scenario, out, json);
        }
        case 'delete':
          return await deleteGroups(client, await groups(), out);
        case 'delete-offsets':
          return await deleteOffsets(client, args.values('group')[0]!, args.values('topic'), out);
      }
    } finally {
      client.close();
    }
  },
};

/** Kafka's ConsumerGroupCommandOptions.checkArgs, with its messages. */
function checkArgs(args: ParsedArgs, action: (typeof ACTIONS)[number]): void {
  const scope = (): void => {
    if (!args.has('group') && !args.has('all-groups')) {
      throw new UsageError(`Option --${action} takes one of these options: --group, --all-groups`);
    }
  };
  if (args.has('group') && args.has('all-groups')) {
    throw new UsageError('Option --group cannot be used with --all-groups');
  }
  if (action === 'list') rejectFlags(args, ['group', 'all-groups'], '--list');
  if (action !== 'describe') rejectFlags(args, ['members', 'offsets'], `--${action}`);
  if (action !== 'describe' && action !== 'list') rejectFlags(args, ['state'], `--${action}`);
  if (action !== 'list') rejectFlags(args, ['type'], `--${action}`);
  if (action !== 'reset-offsets') {
    rejectFlags(
      args,
      ['all-topics', 'dry-run', 'execute', 'export', ...RESET_SCENARIOS],
      `--${action}`,
    );
  }
  if (action !== 'reset-offsets' && action !== 'delete-offsets')
    rejectFlags(args, ['topic'], `--${action}`);
  if (action === 'describe') {
    scope();
    const views = ['members', 'offsets', 'state'].filter((v) => args.has(v));
    if (views.length > 1) {
      throw new UsageError(
        'Option --describe takes at most one of these options: --members, --offsets, --state',
      );
    }
    if (args.has('state') && args.value('state') !== '') {
      throw new UsageError('Option --describe does not take a value for --state');
    }
  }
  if (action === 'delete') scope();
  if (action === 'delete-offsets') {
    if (!args.has('group') || !args.has('topic')) {
      throw new UsageError('Option --delete-offsets takes the following options: --group, --topic');
    }
    if (args.values('group').length > 1) {
      throw new UsageError('Option --delete-offsets works on one group at a time');
    }
  }
  if (action === 'reset-offsets') {
    if (args.has('dry-run') && args.has('execute')) {
      throw new UsageError('Option --reset-offsets only accepts one of --execute and --dry-run');
    }
    scope();
    const scenarios = RESET_SCENARIOS.filter((s) => args.has(s));
    if (scenarios.length === 0) {
      throw new UsageError(
        `Option --reset-offsets requires one of the following scenarios: ${RESET_SCENARIOS.map((s) => `--${s}`).join(', ')}`,
      );
    }
    if (scenarios.length > 1) {
      throw new UsageError(`Option --${scenarios[0]} cannot be used with --${scenarios[1]}`);
    }
    if (!args.has('all-topics') && !args.has('topic') && scenarios[0] !== 'from-file') {
      throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
    }
    if (args.has('all-topics') && args.has('topic')) {
      throw new UsageError('Option --all-topics cannot be used with --topic');
    }
    args.int('to-offset');
    args.int('shift-by');
  }
}

async function list(
  client: KafkaClient,
  args: ParsedArgs,
  out: Output,
  json: boolean,
): Promise<number> {
  const withType = args.has('type');
  const withState = args.has('state');
  const states = parseList(args.value('state'), (s) => stateName(s), 'state', GROUP_STATES);
  const types = parseList(args.value('type'), (t) => typeName(t), 'types', GROUP_TYPES);
  const groups = await listGroups(client, { states, types });
  if (json) {
    out.json(groups.map((g) => ({ group: g.groupId, type: g.type.toLowerCase(), state: g.state })));
    return 0;
  }
  if (!withType && !withState) {
    for (const g of groups) out.line(g.groupId);
    return 0;
  }
  const width = Math.max(15, ...groups.map((g) => g.groupId.length)) + 10;
  const row = (cells: [string, string, string]): string => {
    let line = pad(cells[0], width);
    if (withType) line += ` ${pad(cells[1], 20)}`;
    if (withState) line += ` ${pad(cells[2], 20)}`;
    return line;
  };
  out.line(out.style('bold', row(['GROUP', 'TYPE', 'STATE'])));
  for (const g of groups) out.line(row(listedCells(g)));
  return 0;
}

function listedCells(g: ListedGroup): [string, string, string] {
  return [g.groupId, g.type, g.state];
}

/** "stable,empty" → checked names; "" (the flag alone) → no filter. */
function parseList(
  text: string | undefined,
  name: (s: string) => string,
  what: 'state' | 'types',
  valid: readonly string[],
): string[] {
  if (text === undefined || text === '') return [];
  const parsed = text.split(',').map((s) => s.trim());
  const bad = parsed.filter((s) => name(s) === 'Unknown');
  if (bad.length > 0) {
    throw new UsageError(
      `Invalid ${what} list '${text}'. Valid ${what === 'state' ? 'states' : 'types'} are: ${valid.join(', ')}`,
    );
  }
  return parsed.map((s) => name(s));
}

async function deleteGroups(
  client: KafkaClient,
  groupIds: readonly string[],
  out: Output,
): Promise<number> {
  const results = new Map<string, Error | null>();
  await Promise.all(
    [...new Set(groupIds)].map(async (groupId) => {
      try {
        await client.withCoordinator('group', groupId, async (conn) => {
          const response = await conn.send(Apis.DeleteGroups, { groupsNames: [groupId] });
          const r = response.results[0];
          if (r !== undefined && r.errorCode !== 0) throw kafkaErrorFor(r.errorCode);
        });
        results.set(groupId, null);
      } catch (err) {
        results.set(groupId, err as Error);
      }
    }),
  );
  const ok = groupIds.filter((g) => results.get(g) === null);
  const failed = [...new Set(groupIds)].filter((g) => results.get(g) !== null);
  const quoted = (gs: readonly string[]): string => gs.map((g) => `'${g}'`).join(', ');
  if (failed.length === 0) {
    out.line(`Deletion of requested consumer groups (${quoted([...new Set(ok)])}) was successful.`);
    return 0;
  }
  out.error(out.styleErr('red', 'samsa groups: Deletion of some consumer groups failed:'));
  for (const g of failed) {
    const err = results.get(g)!;
    const why = err instanceof KafkaError ? javaException(err) : explain(err);
    out.error(`* Group '${g}' could not be deleted due to: ${why}`);
  }
  if (ok.length > 0) {
    out.line(`These consumer groups were deleted successfully: ${quoted([...new Set(ok)])}`);
  }
  return 1;
}

async function deleteOffsets(
  client: KafkaClient,
  groupId: string,
  topics: readonly string[],
  out: Output,
): Promise<number> {
  const partitions: TopicPartition[] = [];
  const rows = new Map<string, { topic: string; partition: number | null; error: string | null }>();
  const whole = topics.filter((t) => !t.includes(':'));
  for (const arg of topics.filter((t) => t.includes(':'))) {
    const [topic, list, extra] = arg.split(':');
    if (extra !== undefined || topic === undefined || list === undefined) {
      throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
    }
    for (const p of list.split(',')) {
      if (!/^\d+$/.test(p.trim())) {
        throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}'`);
      }
      partitions.push({ topic, partition: Number(p) });
    }
  }
  if (whole.length > 0) {
    const metadata = await client.metadata(whole);
    for (const name of whole) {
      const t = metadata.topics.find((x) => x.name === name);
      if (t === undefined || t.errorCode !== 0) {
        const err = kafkaErrorFor(
          t?.errorCode || 3,
          'This server does not host this topic-partition.',
        );
        rows.set(`${name}\u0000-1`, { topic: name, partition: null, error: javaException(err) });
        continue;
      }
      for (const p of t.partitions) partitions.push({ topic: name, partition: p.partitionIndex });
    }
  }
  let topLevel = 0;
  if (partitions.length > 0) {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions)
      byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const response = await client.withCoordinator('group', groupId, async (conn) => {
      const r = await conn.send(Apis.OffsetDelete, {
        groupId,
        topics: [...byTopic].map(([name, ps]) => ({
          name,
          partitions: ps.map((partitionIndex) => ({ partitionIndex })),
        })),
      });
      if (r.errorCode === 16 || r.errorCode === 15 || r.errorCode === 14)
        throw kafkaErrorFor(r.errorCode);
      return r;
    });
    topLevel = response.errorCode;
    const codes = new Map<string, number>();
    for (const t of response.topics) {
      for (const p of t.partitions) codes.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode);
    }
    for (const p of partitions) {
      const code = topLevel !== 0 ? topLevel : (codes.get(`${p.topic}\u0000${p.partition}`) ?? 0);
      rows.set(`${p.topic}\u0000${p.partition}`, {
        topic: p.topic,
        partition: p.partition,
        error: code === 0 ? null : javaException(kafkaErrorFor(code)),
      });
    }
  }
  const failed = [...rows.values()].some((r) => r.error !== null);
  if (topLevel === 0 && !failed) {
    out.line(
      `Request succeed for deleting offsets with topic ${topics.join(', ')} group ${groupId}`,
    );
  } else {
    const messages: Record<string, string> = {
      INVALID_GROUP_ID: `'${groupId}' is not valid.`,
      GROUP_ID_NOT_FOUND: `'${groupId}' does not exist.`,
      GROUP_AUTHORIZATION_FAILED: `Access to '${groupId}' is not authorized.`,
      NON_EMPTY_GROUP: `Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`,
    };
    const name = topLevel === 0 ? null : kafkaErrorFor(topLevel).errorName;
    const message =
      name === null ||
      name === 'GROUP_SUBSCRIBED_TO_TOPIC' ||
      name === 'TOPIC_AUTHORIZATION_FAILED' ||
      name === 'UNKNOWN_TOPIC_OR_PARTITION'
        ? 'Encounter some partition level error, see the follow-up details:'
        : (messages[name] ?? `Encounter some unknown error: ${name}`);
    out.error(out.styleErr('red', `samsa groups: ${message}`));
  }
  const format = (cells: readonly string[]): string =>
    `${pad(cells[0]!, 30)} ${pad(cells[1]!, 15)} ${pad(cells[2]!, 15)}`;
  out.line();
  out.write(out.style('bold', format(['TOPIC', 'PARTITION', 'STATUS'])));
  const sorted = [...rows.values()].sort((a, b) => {
    const ka = `${a.topic}${a.partition ?? -1}`;
    const kb = `${b.topic}${b.partition ?? -1}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  for (const r of sorted) {
    out.write(
      `\n${format([r.topic, r.partition === null ? 'Not Provided' : String(r.partition), r.error === null ? 'Successful' : `Error: ${r.error}`])}`,
    );
  }
  out.line();
  return topLevel !== 0 || failed ? 1 : 0;
}
