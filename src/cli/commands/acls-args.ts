// samsa acls' command line as kafka-acls.sh (AclCommand) reads it: the resource flags become
// resource patterns (or, for --list and --remove, pattern filters), the principal, host and
// operation flags become access control entries, and --producer / --consumer expand to the ACLs
// those roles need. Pure: no broker, so every translation is unit-tested. Validation follows
// AclCommand's checks and messages; the order of resources and entries is the order of the flags
// (Kafka's sets have none), so output is stable.
import {
  AclOperation,
  AclPermissionType,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  ResourceType,
  WILDCARD,
  operationName,
  patternTypeName,
  resourceTypeName,
} from '../../metadata/acl-binding.js';
import { UsageError, oneAction, rejectFlags, type ParsedArgs } from '../args.js';

/** A resource pattern; as a filter (--list, --remove) its pattern type may be ANY or MATCH. */
export interface ResourcePattern {
  resourceType: number;
  name: string;
  patternType: number;
}

/** Kafka's AccessControlEntry: who, from where, doing what, allowed or denied. */
export interface AccessControlEntry {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** Entries for one resource pattern (to add) or pattern filter (to remove; none: every ACL). */
export interface ResourceAcls {
  pattern: ResourcePattern;
  entries: AccessControlEntry[];
}

export type AclsPlan =
  | { action: 'add'; resources: ResourceAcls[]; listFilters: ResourcePattern[] }
  | { action: 'remove'; resources: ResourceAcls[]; listFilters: ResourcePattern[]; force: boolean }
  | { action: 'list'; filters: ResourcePattern[]; principals: string[] };

/** Operations kafka-acls.sh accepts, by their Kafka names (AclEntry.ACL_OPERATIONS). */
export const OPERATION_NAMES: readonly string[] = [
  'Read',
  'Write',
  'Create',
  'Delete',
  'Alter',
  'Describe',
  'ClusterAction',
  'DescribeConfigs',
  'AlterConfigs',
  'IdempotentWrite',
  'CreateTokens',
  'DescribeTokens',
  'All',
];

const PATTERN_TYPES = ['literal', 'prefixed', 'match', 'any'] as const;

/** AclEntry.supportedOperations: what an ACL on each resource type may name (besides All). */
const SUPPORTED_OPERATIONS: ReadonlyMap<number, readonly number[]> = new Map([
  [
    ResourceType.TOPIC,
    [
      AclOperation.READ,
      AclOperation.WRITE,
      AclOperation.CREATE,
      AclOperation.DELETE,
      AclOperation.ALTER,
      AclOperation.DESCRIBE,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
    ],
  ],
  [
    ResourceType.GROUP,
    [
      AclOperation.READ,
      AclOperation.DELETE,
      AclOperation.DESCRIBE,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
    ],
  ],
  [
    ResourceType.CLUSTER,
    [
      AclOperation.CREATE,
      AclOperation.ALTER,
      AclOperation.DESCRIBE,
      AclOperation.CLUSTER_ACTION,
      AclOperation.DESCRIBE_CONFIGS,
      AclOperation.ALTER_CONFIGS,
      AclOperation.IDEMPOTENT_WRITE,
    ],
  ],
  [ResourceType.TRANSACTIONAL_ID, [AclOperation.WRITE, AclOperation.DESCRIBE]],
  [ResourceType.DELEGATION_TOKEN, [AclOperation.DESCRIBE]],
  [ResourceType.USER, [AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS]],
]);

/** "CLUSTER_ACTION" → "ClusterAction", Kafka's SecurityUtils.operationName. */
export function pascalCase(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** An --operation value, case-insensitive as Kafka's ("read", "CLUSTERACTION", "ClusterAction"). */
export function parseOperation(text: string): number {
  const wanted = text.trim().replace(/_/g, '').toUpperCase();
  for (const [name, code] of Object.entries(AclOperation)) {
    if (code === AclOperation.ANY || code === AclOperation.UNKNOWN) continue;
    if (name.replace(/_/g, '') === wanted) return code;
  }
  throw new UsageError(
    `Invalid operation "${text}": valid operations are ${OPERATION_NAMES.join(', ')}`,
  );
}

/** A --resource-pattern-type value (case-insensitive, as joptsimple's EnumConverter). */
export function parsePatternType(text: string): number {
  const lower = text.trim().toLowerCase();
  if (!(PATTERN_TYPES as readonly string[]).includes(lower)) {
    throw new UsageError(
      `Unknown resource-pattern-type: ${text} (expected ${PATTERN_TYPES.join(', ')})`,
    );
  }
  return PatternType[lower.toUpperCase() as 'LITERAL' | 'PREFIXED' | 'MATCH' | 'ANY'];
}

/** A principal as principalType:name (SecurityUtils.parseKafkaPrincipal), trimmed. */
export function parsePrincipal(text: string, flag: string): string {
  const principal = text.trim();
  const colon = principal.indexOf(':');
  if (colon <= 0) {
    throw new UsageError(
      `Invalid ${flag} ${JSON.stringify(text)}: expected a string in format principalType:principalName, e.g. User:alice`,
    );
  }
  return principal;
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

const patternKey = (p: ResourcePattern): string =>
  `${p.resourceType}\u0000${p.patternType}\u0000${p.name}`;
const entryKey = (e: AccessControlEntry): string =>
  `${e.principal}\u0000${e.host}\u0000${e.operation}\u0000${e.permissionType}`;

function principals(args: ParsedArgs, flag: string): string[] {
  return unique(
    args.values(flag).map((p) => parsePrincipal(p, `--${flag}`)),
    (p) => p,
  );
}

/** The --allow-host / --deny-host values; "*" when a principal of that kind is given without one. */
function hosts(args: ParsedArgs, hostFlag: string, principalFlag: string): string[] {
  if (args.has(hostFlag))
    return unique(
      args.values(hostFlag).map((h) => h.trim()),
      (h) => h,
    );
  return args.has(principalFlag) ? [WILDCARD] : [];
}

/** AclCommand.getAcl: every allow principal × operation × allow host, then the deny ones. */
export function entriesFor(args: ParsedArgs, operations: readonly number[]): AccessControlEntry[] {
  const entries: AccessControlEntry[] = [];
  const expand = (who: string[], where: string[], permissionType: number): void => {
    for (const principal of who) {
      for (const operation of operations) {
        for (const host of where) entries.push({ principal, host, operation, permissionType });
      }
    }
  };
  expand(
    principals(args, 'allow-principal'),
    hosts(args, 'allow-host', 'allow-principal'),
    AclPermissionType.ALLOW,
  );
  expand(
    principals(args, 'deny-principal'),
    hosts(args, 'deny-host', 'deny-principal'),
    AclPermissionType.DENY,
  );
  return unique(entries, entryKey);
}

function cliOperations(args: ParsedArgs): number[] {
  const given = args.values('operation').flatMap((v) => v.split(','));
  if (given.length === 0) return [AclOperation.ALL];
  return unique(given.map(parseOperation), String);
}

/**
 * AclCommand.getResourceFilter: the resource flags as patterns, in Kafka's order (topics, the
 * cluster, groups, transactional ids, delegation tokens, users).
 */
export function resourceFilters(args: ParsedArgs, patternType: number): ResourcePattern[] {
  const named = (flag: string, resourceType: number): ResourcePattern[] =>
    args.values(flag).map((name) => ({ resourceType, name: name.trim(), patternType }));
  const cluster: ResourcePattern[] = [];
  if (args.has('cluster') || args.has('idempotent')) {
    if (patternType === PatternType.PREFIXED && args.has('cluster')) {
      throw new UsageError(
        `--cluster cannot be used with --resource-pattern-type prefixed: the cluster resource has one literal name, ${CLUSTER_RESOURCE_NAME}`,
      );
    }
    cluster.push({
      resourceType: ResourceType.CLUSTER,
      name: CLUSTER_RESOURCE_NAME,
      patternType: patternType === PatternType.PREFIXED ? PatternType.LITERAL : patternType,
    });
  }
  return unique(
    [
      ...named('topic', ResourceType.TOPIC),
      ...cluster,
      ...named('group', ResourceType.GROUP),
      ...named('transactional-id', ResourceType.TRANSACTIONAL_ID),
      ...named('delegation-token', ResourceType.DELEGATION_TOKEN),
      ...named('user-principal', ResourceType.USER),
    ],
    patternKey,
  );
}

function requireResources(filters: ResourcePattern[]): ResourcePattern[] {
  if (filters.length === 0) {
    throw new UsageError(
      'You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>',
    );
  }
  return filters;
}

/** --producer and --consumer: the ACLs each role needs on the resources named (getProducer/ConsumerResourceFilterToAcls). */
function roleAcls(args: ParsedArgs, filters: ResourcePattern[]): ResourceAcls[] {
  const result = new Map<string, ResourceAcls>();
  const grant = (pattern: ResourcePattern, operations: number[]): void => {
    const key = patternKey(pattern);
    const existing = result.get(key);
    const entries = entriesFor(args, operations);
    if (existing === undefined) result.set(key, { pattern, entries });
    else existing.entries = unique([...existing.entries, ...entries], entryKey);
  };
  const ofType = (t: number): ResourcePattern[] => filters.filter((f) => f.resourceType === t);
  if (args.has('producer')) {
    const { WRITE, DESCRIBE, CREATE, IDEMPOTENT_WRITE } = AclOperation;
    for (const topic of ofType(ResourceType.TOPIC)) grant(topic, [WRITE, DESCRIBE, CREATE]);
    for (const id of ofType(ResourceType.TRANSACTIONAL_ID)) grant(id, [WRITE, DESCRIBE]);
    if (args.has('idempotent')) {
      const cluster = {
        resourceType: ResourceType.CLUSTER,
        name: CLUSTER_RESOURCE_NAME,
        patternType: PatternType.LITERAL,
      };
      grant(cluster, [IDEMPOTENT_WRITE]);
    }
  }
  if (args.has('consumer')) {
    const { READ, DESCRIBE } = AclOperation;
    for (const topic of ofType(ResourceType.TOPIC)) grant(topic, [READ, DESCRIBE]);
    for (const group of ofType(ResourceType.GROUP)) grant(group, [READ]);
  }
  return [...result.values()];
}

/** AclCommand.validateOperation, with its message: "ResourceType TOPIC only supports operations …". */
function validateOperations(resources: readonly ResourceAcls[]): void {
  for (const { pattern, entries } of resources) {
    const valid = [...(SUPPORTED_OPERATIONS.get(pattern.resourceType) ?? []), AclOperation.ALL];
    if (entries.some((e) => !valid.includes(e.operation))) {
      const names = valid.map((op) => pascalCase(operationName(op)));
      throw new UsageError(
        `ResourceType ${resourceTypeName(pattern.resourceType)} only supports operations ${names.join(', ')}`,
      );
    }
  }
}

/** AclCommand.getResourceFilterToAcls: what to add or remove, per resource pattern (filter). */
function resourceAcls(args: ParsedArgs, patternType: number): ResourceAcls[] {
  const filters = requireResources(resourceFilters(args, patternType));
  const resources =
    args.has('producer') || args.has('consumer')
      ? roleAcls(args, filters)
      : filters.map((pattern) => ({ pattern, entries: entriesFor(args, cliOperations(args)) }));
  validateOperations(resources);
  return resources;
}

/** AclCommandOptions.checkArgs: the combinations kafka-acls.sh refuses. */
function checkArgs(args: ParsedArgs): 'add' | 'remove' | 'list' {
  const action = oneAction(args, ['list', 'add', 'remove']);
  if (action === 'list') {
    rejectFlags(
      args,
      ['producer', 'consumer', 'allow-host', 'allow-principal', 'deny-host', 'deny-principal'],
      '--list',
    );
  }
  for (const role of ['producer', 'consumer']) {
    if (args.has(role))
      rejectFlags(args, ['operation', 'deny-principal', 'deny-host'], `--${role}`);
  }
  if (args.has('principal') && action !== 'list') {
    throw new UsageError('The --principal option is only available if --list is set');
  }
  if (args.has('producer') && !args.has('topic')) {
    throw new UsageError('With --producer you must specify a --topic');
  }
  if (args.has('idempotent') && !args.has('producer')) {
    throw new UsageError('The --idempotent option is only available if --producer is set');
  }
  if (
    args.has('consumer') &&
    (!args.has('topic') ||
      !args.has('group') ||
      (!args.has('producer') && (args.has('cluster') || args.has('transactional-id'))))
  ) {
    throw new UsageError(
      'With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified.',
    );
  }
  return action;
}

/** The command line as what to do: ACLs to add, filters to remove, or filters to list. */
export function planAcls(args: ParsedArgs): AclsPlan {
  const action = checkArgs(args);
  const patternType = parsePatternType(args.value('resource-pattern-type') ?? 'literal');
  if (action === 'list') {
    return {
      action,
      filters: resourceFilters(args, patternType),
      principals: principals(args, 'principal'),
    };
  }
  if (action === 'add') {
    if (patternType !== PatternType.LITERAL && patternType !== PatternType.PREFIXED) {
      throw new UsageError(
        `A '--resource-pattern-type' value of '${patternTypeName(patternType)}' is not valid when adding acls.`,
      );
    }
    const resources = resourceAcls(args, patternType);
    if (resources.some((r) => r.entries.length === 0)) {
      throw new UsageError(
        'You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.',
      );
    }
    return { action, resources, listFilters: resourceFilters(args, patternType) };
  }
  return {
    action,
    resources: resourceAcls(args, patternType),
    listFilters: resourceFilters(args, patternType),
    force: args.has('force'),
  };
}
