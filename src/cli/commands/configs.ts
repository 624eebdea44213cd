// samsa configs: kafka-configs.sh for topics, brokers and groups (Kafka 4.0's GROUP config
// resources), and users' SCRAM credentials (see configs-users.ts). --describe prints Kafka's layout
// (`  name=value sensitive=false synonyms={SOURCE:name=value, …}`), dynamic configs only unless
// --all; without a name it describes every topic (Metadata), broker (and the broker default) or
// consumer group (ListGroups). --alter sets and deletes configs with IncrementalAlterConfigs and
// fails, as Kafka does, when a config to delete is not set on the entity.
import { readFileSync } from 'node:fs';
import { parseProperties } from '../../config/index.js';
import { Apis } from '../../protocol/generated/index.js';
import { UsageError, oneAction, type ParsedArgs } from '../args.js';
import { kafkaErrorFor, type KafkaClient } from '../client/index.js';
import { CONNECTION_FLAGS, OUTPUT_FLAG, wantsJson, withClient, type Command } from '../command.js';
import type { Output } from '../output.js';
import {
  RESOURCE_BROKER,
  RESOURCE_TOPIC,
  describeConfigs,
  type ConfigEntry,
} from './config-entries.js';
import {
  alterUserScramCredentials,
  describeUserScramCredentials,
  refuseDefaultUser,
  scramAlterations,
} from './configs-users.js';
import { listGroups } from './group-admin.js';
import { matchTopics } from './topic-filter.js';

const KAFKA_ENTITY_TYPES = [
  'topics',
  'clients',
  'users',
  'brokers',
  'ips',
  'broker-loggers',
  'client-metrics',
  'groups',
];
type EntityType = 'topics' | 'brokers' | 'groups' | 'users';
const ENTITY_TYPES: readonly EntityType[] = ['topics', 'brokers', 'groups', 'users'];
/** The entity types that are config resources (DescribeConfigs, IncrementalAlterConfigs). */
type ResourceEntityType = Exclude<EntityType, 'users'>;
/** ConfigResource.Type.GROUP on the wire. */
const RESOURCE_GROUP = 32;

interface Entity {
  type: EntityType;
  /** "" for --entity-default (brokers), undefined when no name was given. */
  name: string | undefined;
}

/** Kafka's singular of an entity type, as its messages print it ("topic", "broker", "user"). */
const singular = (type: EntityType): string => type.slice(0, -1);

function isEntityType(type: string): type is EntityType {
  return (ENTITY_TYPES as readonly string[]).includes(type);
}

const SET = 0;
const DELETE = 1;

export const configsCommand: Command = {
  name: 'configs',
  summary: 'Describe and alter topic, broker and group configs and SCRAM credentials',
  kafkaTool: 'kafka-configs.sh',
  usage: [
    'samsa configs --describe [--all] --entity-type topics|brokers|groups|users [--entity-name NAME | --entity-default]',
    'samsa configs --alter --entity-type topics|brokers|groups|users (--entity-name NAME | --entity-default)',
    '              [--add-config k1=v1,k2=[a,b]] [--add-config-file FILE] [--delete-config k1,k2]',
  ],
  description: [
    'Shows the configs set on a topic, broker or consumer group, each with its source and synonyms',
    '(--all adds static and default values), and changes them. Groups have',
    'consumer.session.timeout.ms and consumer.heartbeat.interval.ms, bounded by the broker’s',
    'group.consumer.min/max settings. Users have SCRAM credentials:',
    'SCRAM-SHA-256=[iterations=8192,password=SECRET] sets one (iterations 4096 to 16384, default',
    '4096; only a salted password is sent), --delete-config SCRAM-SHA-256 removes it; client quotas',
    'are not supported yet. --topic NAME, --broker ID, --broker-defaults, --group ID and --user NAME',
    'are shorthands for the entity flags. Square brackets group a value that contains commas.',
  ].join('\n'),
  words: ['--describe', '--alter'],
  flags: [
    ...CONNECTION_FLAGS,
    { name: 'describe', kind: 'boolean', help: 'List the configs of the entity' },
    { name: 'alter', kind: 'boolean', help: 'Change the configs of the entity' },
    { name: 'all', kind: 'boolean', help: 'With --describe: every config, not only dynamic ones' },
    {
      name: 'entity-type',
      kind: 'list',
      placeholder: 'topics|brokers|groups|users',
      help: 'Type of entity',
      complete: ENTITY_TYPES,
    },
    {
      name: 'entity-name',
      kind: 'list',
      placeholder: 'NAME',
      help: 'Topic name, broker id, group id or user principal name',
    },
    { name: 'entity-default', kind: 'boolean', help: 'The cluster-wide default (brokers)' },
    {
      name: 'topic',
      kind: 'value',
      placeholder: 'NAME',
      help: 'Shorthand for --entity-type topics --entity-name NAME',
      complete: 'topic',
    },
    {
      name: 'broker',
      kind: 'value',
      placeholder: 'ID',
      help: 'Shorthand for --entity-type brokers --entity-name ID',
    },
    {
      name: 'broker-defaults',
      kind: 'boolean',
      help: 'Shorthand for --entity-type brokers --entity-default',
    },
    {
      name: 'group',
      kind: 'value',
      placeholder: 'ID',
      help: 'Shorthand for --entity-type groups --entity-name ID',
      complete: 'group',
    },
    {
      name: 'user',
      kind: 'value',
      placeholder: 'NAME',
      help: 'Shorthand for --entity-type users --entity-name NAME',
    },
    {
      name: 'add-config',
      kind: 'value',
      placeholder: 'k1=v1,k2=[a,b]',
      help: 'Configs to set, comma-separated',
      complete: 'topic-config',
    },
    {
      name: 'add-config-file',
      kind: 'value',
      placeholder: 'FILE',
      help: 'A properties file of configs to set',
      complete: 'file',
    },
    {
      name: 'delete-config',
      kind: 'list',
      placeholder: 'k1,k2',
      help: 'Configs to remove, comma-separated',
    },
    { name: 'force', kind: 'boolean', help: 'Accepted for compatibility; ignored' },
    OUTPUT_FLAG,
  ],
  examples: [
    'samsa configs --describe --entity-type topics --entity-name orders',
    'samsa configs --describe --all --topic orders',
    'samsa configs --alter --entity-type topics --entity-name orders --add-config retention.ms=86400000,cleanup.policy=compact',
    'samsa configs --alter --topic orders --delete-config retention.ms',
    'samsa configs --describe --entity-type brokers --entity-name 1',
    'samsa configs --alter --entity-type brokers --entity-default --add-config log.retention.ms=3600000',
    'samsa configs --describe --entity-type brokers --output json',
    'samsa configs --alter --entity-type groups --entity-name billing --add-config consumer.session.timeout.ms=50000',
    'samsa configs --describe --all --group billing',
    'samsa configs --alter --group billing --delete-config consumer.session.timeout.ms',
    'samsa configs --describe --entity-type groups  # every consumer group',
    "samsa configs --alter --entity-type users --entity-name alice --add-config 'SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-secret]'",
    'samsa configs --alter --user alice --delete-config SCRAM-SHA-512',
    'samsa configs --describe --entity-type users  # every user with SCRAM credentials',
  ],
  async run({ args, out }) {
    const action = oneAction(args, ['describe', 'alter']);
    const entity = parseEntity(args, action);
    const json = wantsJson(args);
    if (action === 'describe') {
      for (const f of ['add-config', 'add-config-file', 'delete-config']) {
        if (args.has(f)) throw new UsageError(`Option --${f} cannot be used with --describe`);
      }
      if (entity.type === 'users') {
        // Kafka ignores --all for users: SCRAM credentials have no static or default values.
        return withClient(args, (client) =>
          describeUserScramCredentials(client, entity.name, json, out),
        );
      }
      const resource: ResourceEntity = { type: entity.type, name: entity.name };
      return withClient(args, (client) => describe(client, resource, args.has('all'), json, out));
    }
    if (json) throw new UsageError('--output json applies to --describe, not --alter');
    if (args.has('all')) throw new UsageError('Option --all cannot be used with --alter');
    const toSet = configsToAdd(args);
    const toDelete = args
      .values('delete-config')
      .flatMap((v) => v.split(','))
      .map((k) => k.trim())
      .filter((k) => k !== '');
    if (
      toSet.length === 0 &&
      toDelete.length === 0 &&
      !args.has('add-config') &&
      !args.has('add-config-file')
    ) {
      throw new UsageError(
        'At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter',
      );
    }
    if (entity.type === 'users') {
      const user = entity.name!;
      const request = scramAlterations(user, toSet, toDelete);
      return withClient(args, async (client) => {
        await alterUserScramCredentials(client, user, request);
        out.line(`Completed updating config for user ${user}.`);
        return 0;
      });
    }
    const resource: ResourceEntity = { type: entity.type, name: entity.name };
    return withClient(args, (client) => alter(client, resource, toSet, toDelete, out));
  },
};

function parseEntity(args: ParsedArgs, action: 'describe' | 'alter'): Entity {
  const types: string[] = [...args.values('entity-type')];
  const names: string[] = [...args.values('entity-name')];
  const shorthand =
    args.has('topic') ||
    args.has('broker') ||
    args.has('broker-defaults') ||
    args.has('group') ||
    args.has('user');
  if (shorthand && (types.length > 0 || names.length > 0 || args.has('entity-default'))) {
    throw new UsageError(
      '--entity-{type,name,default} should not be used in conjunction with specific entity flags',
    );
  }
  if (args.has('topic')) {
    types.push('topics');
    names.push(args.value('topic')!);
  }
  if (args.has('broker')) {
    types.push('brokers');
    names.push(args.value('broker')!);
  }
  if (args.has('group')) {
    types.push('groups');
    names.push(args.value('group')!);
  }
  if (args.has('user')) {
    types.push('users');
    names.push(args.value('user')!);
  }
  if (args.has('broker-defaults')) types.push('brokers');
  const isDefault = args.has('entity-default') || args.has('broker-defaults');
  if (types.length === 0) throw new UsageError('At least one entity type must be specified');
  if (types.length > 1)
    throw new UsageError(`Only one entity type may be given, but got ${types.join(', ')}`);
  const type = types[0]!;
  if (!KAFKA_ENTITY_TYPES.includes(type)) {
    throw new UsageError(
      `Invalid entity type ${type}, the entity type must be one of ${KAFKA_ENTITY_TYPES.join(', ')} with a --bootstrap-server or --bootstrap-controller argument`,
    );
  }
  if (!isEntityType(type)) {
    throw new UsageError(
      `Entity type ${type} is not supported by samsa configs yet: use topics, brokers, groups or users`,
    );
  }
  if (names.length > 1) throw new UsageError('Only one --entity-name may be given');
  const name = names[0];
  if (name !== undefined && isDefault) {
    throw new UsageError('Only one of --entity-name and --entity-default may be given');
  }
  if (type === 'brokers' && name !== undefined && !/^-?\d+$/.test(name)) {
    throw new UsageError(
      `The entity name for brokers must be a valid integer broker id, but it is: ${name}`,
    );
  }
  if (isDefault && type === 'topics') {
    throw new UsageError(`--entity-default must not be specified with --${action} of topics`);
  }
  if (type === 'groups') {
    // Kafka: groups have no default entity, and an empty name is no name.
    if (isDefault && action === 'describe') {
      throw new UsageError('--entity-default must not be specified with --describe of groups');
    }
    if (action === 'alter' && (name === undefined || name === '')) {
      throw new UsageError('An entity name must be specified with --alter of groups');
    }
  }
  // Kafka: a user's default entity (and an empty name) is the default quota entity; --alter
  // refuses it once the configs are known (scramAlterations).
  if (type === 'users' && action === 'describe' && (isDefault || name === '')) {
    refuseDefaultUser('describe');
  }
  if (action === 'alter' && name === undefined && !isDefault) {
    throw new UsageError(
      type === 'topics'
        ? 'An entity name must be specified with --alter of topics'
        : 'An entity-name or default entity must be specified with --alter of users, clients, brokers or ips',
    );
  }
  return { type, name: isDefault ? '' : name };
}

/** Kafka's --add-config syntax: commas separate entries except inside [ ]; brackets are dropped. */
export function parseAddConfig(text: string): { name: string; value: string }[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[') depth++;
    if (ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  entries.push(current);
  if (depth > 0) {
    // Kafka would split such a value at its commas and then fail on a fragment; name the key
    // instead (and never echo the value: it may be a password).
    const eq = current.indexOf('=');
    const key = (eq === -1 ? current : current.slice(0, eq)).trim();
    throw new UsageError(
      `Invalid entity config: the "[" in the value of ${key} has no matching "]"`,
    );
  }
  return entries.map((entry) => {
    // Exactly one "=" outside brackets separates key and value.
    let eq = -1;
    let level = 0;
    for (let i = 0; i < entry.length; i++) {
      const ch = entry.charAt(i);
      if (ch === '[') level++;
      else if (ch === ']') level = Math.max(0, level - 1);
      else if (ch === '=' && level === 0) {
        if (eq !== -1) eq = -2;
        else if (eq === -1) eq = i;
      }
    }
    if (eq < 0) {
      throw new UsageError(
        'Invalid entity config: all configs to be added must be in the format "key=val".',
      );
    }
    const name = entry.slice(0, eq).trim();
    const value = entry
      .slice(eq + 1)
      .replace(/[[\]]/g, '')
      .trim();
    if (!/^[a-zA-Z0-9._-]*$/.test(name)) {
      throw new UsageError(`Invalid character found for config key: ${name}`);
    }
    return { name, value };
  });
}

function configsToAdd(args: ParsedArgs): { name: string; value: string }[] {
  const out = new Map<string, string>();
  const file = args.value('add-config-file');
  if (file !== undefined && args.has('add-config')) {
    throw new UsageError('Only one of --add-config or --add-config-file must be specified');
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `Cannot read --add-config-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    for (const e of parseProperties(text, file)) out.set(e.key, e.value);
  }
  const inline = args.value('add-config');
  if (inline !== undefined) for (const e of parseAddConfig(inline)) out.set(e.name, e.value);
  return [...out].map(([name, value]) => ({ name, value }));
}

/** A config resource: a topic, broker (or the broker default) or group. */
interface ResourceEntity extends Entity {
  type: ResourceEntityType;
}

const RESOURCE_TYPES: Readonly<Record<ResourceEntityType, number>> = {
  topics: RESOURCE_TOPIC,
  brokers: RESOURCE_BROKER,
  groups: RESOURCE_GROUP,
};

function resourceOf(entity: ResourceEntity, name: string): { type: number; name: string } {
  return { type: RESOURCE_TYPES[entity.type], name };
}

/** The broker default ("" with --entity-default): brokers are the only type that has one. */
function isBrokerDefault(entity: ResourceEntity, name: string): boolean {
  return entity.type === 'brokers' && name === '';
}

/** The source of configs set on the entity itself (what --describe shows without --all). */
function dynamicSource(entity: ResourceEntity, name: string): string {
  if (entity.type === 'topics') return 'DYNAMIC_TOPIC_CONFIG';
  if (entity.type === 'groups') return 'DYNAMIC_GROUP_CONFIG';
  return name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
}

/** The entities --describe covers when no name was given, as Kafka's ConfigCommand lists them. */
async function allEntities(client: KafkaClient, type: ResourceEntityType): Promise<string[]> {
  if (type === 'topics') return matchTopics(await client.metadata(null), undefined, false);
  if (type === 'groups') return (await listGroups(client)).map((g) => g.groupId);
  return [...[...client.brokers.keys()].sort((a, b) => a - b).map(String), ''];
}

async function describe(
  client: KafkaClient,
  entity: ResourceEntity,
  all: boolean,
  json: boolean,
  out: Output,
): Promise<number> {
  const names = entity.name !== undefined ? [entity.name] : await allEntities(client, entity.type);
  const described: { name: string; entries: ConfigEntry[] }[] = [];
  for (const name of names) {
    const entries = (await describeConfigs(client, resourceOf(entity, name), { synonyms: true }))
      .filter((e) => all || e.source === dynamicSource(entity, name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    described.push({ name, entries });
  }
  if (json) {
    out.json(
      described.map((d) => ({
        entityType: entity.type,
        entityName: isBrokerDefault(entity, d.name) ? null : d.name,
        configs: d.entries.map((e) => ({
          name: e.name,
          value: e.value,
          source: e.source,
          sensitive: e.isSensitive,
          readOnly: e.isReadOnly,
          synonyms: e.synonyms,
        })),
      })),
    );
    return 0;
  }
  for (const d of described) {
    out.line(
      isBrokerDefault(entity, d.name)
        ? `Default configs for ${entity.type} in the cluster are:`
        : `${all ? 'All' : 'Dynamic'} configs for ${singular(entity.type)} ${d.name} are:`,
    );
    for (const e of d.entries) {
      const synonyms = e.synonyms
        .map((s) => `${s.source}:${s.name}=${s.value ?? 'null'}`)
        .join(', ');
      out.line(
        `  ${out.style('bold', `${e.name}=${e.value ?? 'null'}`)} sensitive=${e.isSensitive} ${out.style('dim', `synonyms={${synonyms}}`)}`,
      );
    }
  }
  return 0;
}

async function alter(
  client: KafkaClient,
  entity: ResourceEntity,
  toSet: { name: string; value: string }[],
  toDelete: string[],
  out: Output,
): Promise<number> {
  const name = entity.name!;
  const resource = resourceOf(entity, name);
  const current = new Set(
    (await describeConfigs(client, resource))
      .filter((e) => e.source === dynamicSource(entity, name))
      .map((e) => e.name),
  );
  const missing = toDelete.filter((k) => !current.has(k));
  if (missing.length > 0) throw new Error(`Invalid config(s): ${missing.join(',')}`);
  const broker = entity.type === 'brokers' && name !== '' ? Number(name) : 'any';
  const response = await client.request(
    Apis.IncrementalAlterConfigs,
    {
      resources: [
        {
          resourceType: resource.type,
          resourceName: name,
          configs: [
            ...toSet.map((c) => ({ name: c.name, configOperation: SET, value: c.value })),
            ...toDelete.map((k) => ({ name: k, configOperation: DELETE, value: null })),
          ],
        },
      ],
      validateOnly: false,
    },
    { broker },
  );
  const result = response.responses[0];
  if (result !== undefined && result.errorCode !== 0) {
    throw kafkaErrorFor(result.errorCode, result.errorMessage);
  }
  out.line(
    isBrokerDefault(entity, name)
      ? `Completed updating default config for ${entity.type} in the cluster.`
      : `Completed updating config for ${singular(entity.type)} ${name}.`,
  );
  return 0;
}
