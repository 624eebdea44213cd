// samsa acls: kafka-acls.sh. --add creates ACLs (CreateAcls) after listing what exists, so an ACL
// already there is reported, not sent again, as Kafka 4 does; --remove deletes by filter
// (DeleteAcls), asking first unless --force; --list prints the ACLs on the resources named, or on
// every resource (DescribeAcls). After --add and --remove the resources' current ACLs follow, as
// kafka-acls.sh printed them up to Kafka 3.8. A broker without an authorizer answers
// SECURITY_DISABLED, which fails the command with exit code 1.
import { createInterface, type Interface } from 'node:readline';
import { KafkaError } from '../../errors/kafka-error.js';
import {
  AclOperation,
  AclPermissionType,
  PatternType,
  ResourceType,
} from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type { CreateAclsRequestAclCreation } from '../../protocol/generated/api/create-acls.js';
import type { DeleteAclsRequestDeleteAclsFilter } from '../../protocol/generated/api/delete-acls.js';
import type { DescribeAclsRequest } from '../../protocol/generated/api/describe-acls.js';
import { UsageError } from '../args.js';
import { kafkaErrorFor, type KafkaClient } from '../client/index.js';
import { CONNECTION_FLAGS, OUTPUT_FLAG, wantsJson, withClient, type Command } from '../command.js';
import type { Output } from '../output.js';
import {
  OPERATION_NAMES,
  planAcls,
  type AccessControlEntry,
  type ResourceAcls,
  type ResourcePattern,
} from './acls-args.js';
import {
  aclsJson,
  formatBinding,
  formatEntry,
  groupByResource,
  printAdding,
  printCurrent,
  removePrompt,
} from './acls-format.js';

const resourceFlag = (name: string, what: string, complete?: 'topic' | 'group') => ({
  name,
  kind: 'list' as const,
  placeholder: 'NAME',
  help: `${what} the ACLs apply to ('*': every one); repeatable`,
  ...(complete === undefined ? {} : { complete }),
});

export const aclsCommand: Command = {
  name: 'acls',
  summary: 'Add, remove and list ACLs',
  kafkaTool: 'kafka-acls.sh',
  usage: [
    'samsa acls --add (--allow-principal P | --deny-principal P) [--operation OP]... RESOURCE...',
    'samsa acls --add --producer|--consumer --allow-principal P --topic T [--group G] [--idempotent]',
    'samsa acls --remove [--force] [--allow-principal P | --deny-principal P] [--operation OP] RESOURCE...',
    'samsa acls --list [RESOURCE...] [--principal P]... [--output json]',
  ],
  description: [
    'Grants and revokes access with ACLs, each a principal allowed or denied an operation on a',
    'resource from a host. RESOURCE is --topic, --group, --cluster, --transactional-id,',
    '--delegation-token or --user-principal; --resource-pattern-type prefixed makes the names',
    'prefixes. --producer and --consumer add the ACLs those roles need. --remove without a',
    'principal removes every ACL on the resources; with one, only its ACLs of --operation (All',
    'unless given). The broker must run with authorizer.class.name set (else SECURITY_DISABLED).',
  ].join('\n'),
  words: ['--add', '--remove', '--list'],
  flags: [
    ...CONNECTION_FLAGS,
    { name: 'add', kind: 'boolean', help: 'Add ACLs' },
    { name: 'remove', kind: 'boolean', help: 'Remove ACLs' },
    { name: 'list', kind: 'boolean', help: 'List ACLs (of the resources given, or of all)' },
    resourceFlag('topic', 'Topic', 'topic'),
    { name: 'cluster', kind: 'boolean', help: 'The cluster as the resource' },
    resourceFlag('group', 'Consumer group', 'group'),
    resourceFlag('transactional-id', 'Transactional id'),
    resourceFlag('delegation-token', 'Delegation token id'),
    {
      name: 'user-principal',
      kind: 'list',
      placeholder: 'User:NAME',
      help: 'A user as the resource (for CreateTokens, DescribeTokens); repeatable',
    },
    {
      name: 'resource-pattern-type',
      kind: 'value',
      placeholder: 'literal|prefixed|match|any',
      help: 'How resource names match (default literal); --list and --remove also take match and any',
      complete: ['literal', 'prefixed', 'match', 'any'],
    },
    {
      name: 'allow-principal',
      kind: 'list',
      placeholder: 'Type:NAME',
      help: "Principal to allow, e.g. User:alice ('User:*': everyone); repeatable",
    },
    {
      name: 'deny-principal',
      kind: 'list',
      placeholder: 'Type:NAME',
      help: 'Principal to deny (deny wins over allow); repeatable',
    },
    {
      name: 'allow-host',
      kind: 'list',
      placeholder: 'HOST',
      help: "Host the allowed principals connect from (default '*'); repeatable",
    },
    {
      name: 'deny-host',
      kind: 'list',
      placeholder: 'HOST',
      help: "Host the denied principals connect from (default '*'); repeatable",
    },
    {
      name: 'operation',
      kind: 'list',
      placeholder: 'OP',
      help: `Operation (default All): ${OPERATION_NAMES.join(', ')}; repeatable`,
      complete: OPERATION_NAMES,
    },
    {
      name: 'principal',
      kind: 'list',
      placeholder: 'Type:NAME',
      help: 'With --list: only the ACLs of this principal; repeatable',
    },
    {
      name: 'producer',
      kind: 'boolean',
      help: 'ACLs for a producer: Write, Describe, Create on the topics (Write, Describe on --transactional-id)',
    },
    {
      name: 'idempotent',
      kind: 'boolean',
      help: 'With --producer: IdempotentWrite on the cluster too',
    },
    {
      name: 'consumer',
      kind: 'boolean',
      help: 'ACLs for a consumer: Read, Describe on the topics and Read on --group',
    },
    { name: 'force', kind: 'boolean', help: 'With --remove: do not ask for confirmation' },
    OUTPUT_FLAG,
  ],
  examples: [
    'samsa acls --add --allow-principal User:alice --operation Read --operation Describe --topic orders',
    'samsa acls --add --allow-principal User:bob --producer --topic orders --transactional-id tx1',
    'samsa acls --add --allow-principal User:carol --consumer --topic orders --group billing',
    'samsa acls --add --allow-principal User:dave --operation Write --topic logs- --resource-pattern-type prefixed',
    "samsa acls --add --deny-principal 'User:*' --deny-host 10.0.0.9 --operation Read --topic '*'",
    'samsa acls --list',
    'samsa acls --list --topic orders --resource-pattern-type match   # every ACL that applies to orders',
    'samsa acls --list --principal User:alice --output json',
    'samsa acls --remove --force --allow-principal User:alice --operation Read --topic orders',
    'samsa acls --remove --force --topic orders   # every ACL on topic orders',
  ],
  async run({ args, out }) {
    const plan = planAcls(args);
    const json = wantsJson(args);
    if (json && plan.action !== 'list') {
      throw new UsageError('--output json applies to --list, not --add or --remove');
    }
    if (plan.action === 'list') {
      return withClient(args, async (client) => {
        const current = await currentAcls(client, plan.filters);
        if (json) {
          out.json(aclsJson(onlyPrincipals(current, plan.principals)));
          return 0;
        }
        if (plan.principals.length === 0) {
          for (const r of current) printCurrent(out, r);
        } else {
          for (const principal of plan.principals) {
            out.line(`ACLs for principal \`${principal}\``);
            for (const r of onlyPrincipals(current, [principal])) printCurrent(out, r);
          }
        }
        return 0;
      });
    }
    if (plan.action === 'add') {
      return withClient(args, async (client) => {
        for (const r of plan.resources) await addAcls(client, r, out);
        for (const r of await currentAcls(client, plan.listFilters)) printCurrent(out, r);
        return 0;
      });
    }
    return withClient(args, async (client) => {
      const answers = plan.force ? null : new Answers(out);
      try {
        for (const r of plan.resources) {
          if (answers !== null) {
            out.line(removePrompt(r));
            if (!(await answers.yes())) continue;
          }
          await deleteAcls(client, r);
        }
      } finally {
        answers?.close();
      }
      for (const r of await currentAcls(client, plan.listFilters)) printCurrent(out, r);
      return 0;
    });
  },
};

/** Answers to the confirmation questions, one stdin line each; "y" (any case) is yes. */
class Answers {
  readonly #lines: Interface;
  readonly #iterator: AsyncIterator<string>;

  constructor(out: Output) {
    this.#lines = createInterface({ input: out.io.stdin, crlfDelay: Infinity, terminal: false });
    this.#iterator = this.#lines[Symbol.asyncIterator]();
  }

  async yes(): Promise<boolean> {
    const next = await this.#iterator.next();
    if (next.done === true) {
      throw new Error('No answer to the question on stdin: add --force to remove without asking');
    }
    return next.value.trim().toLowerCase() === 'y';
  }

  close(): void {
    this.#lines.close();
  }
}

/** A DescribeAcls request for the ACLs on resources matching `filter` (null: every ACL). */
export function describeRequest(filter: ResourcePattern | null): DescribeAclsRequest {
  return {
    resourceTypeFilter: filter?.resourceType ?? ResourceType.ANY,
    resourceNameFilter: filter?.name ?? null,
    patternTypeFilter: filter?.patternType ?? PatternType.ANY,
    principalFilter: null,
    hostFilter: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY,
  };
}

/** The CreateAcls creations for the entries of one resource pattern. */
export function aclCreations(r: ResourceAcls): CreateAclsRequestAclCreation[] {
  return r.entries.map((e) => ({
    resourceType: r.pattern.resourceType,
    resourceName: r.pattern.name,
    resourcePatternType: r.pattern.patternType,
    principal: e.principal,
    host: e.host,
    operation: e.operation,
    permissionType: e.permissionType,
  }));
}

/** The DeleteAcls filters for one resource filter: one per entry, or (no entries) every ACL on it. */
export function deleteFilters(r: ResourceAcls): DeleteAclsRequestDeleteAclsFilter[] {
  const resource = {
    resourceTypeFilter: r.pattern.resourceType,
    resourceNameFilter: r.pattern.name,
    patternTypeFilter: r.pattern.patternType,
  };
  if (r.entries.length === 0) {
    return [
      {
        ...resource,
        principalFilter: null,
        hostFilter: null,
        operation: AclOperation.ANY,
        permissionType: AclPermissionType.ANY,
      },
    ];
  }
  return r.entries.map((e) => ({
    ...resource,
    principalFilter: e.principal,
    hostFilter: e.host,
    operation: e.operation,
    permissionType: e.permissionType,
  }));
}

/**
 * Throws a nonzero error code as a KafkaError; SECURITY_DISABLED also says what to change, since
 * Kafka's "No Authorizer is configured." does not.
 */
function check(errorCode: number, message: string | null): void {
  if (errorCode === 0) return;
  const err = kafkaErrorFor(errorCode, message);
  if (err.errorName !== 'SECURITY_DISABLED') throw err;
  throw new KafkaError(
    'SECURITY_DISABLED',
    `${err.message.replace(/\.?\s*$/, '.')} The broker manages ACLs only with an authorizer: set authorizer.class.name in its config.`,
  );
}

async function describeAcls(
  client: KafkaClient,
  filter: ResourcePattern | null,
): Promise<{ pattern: ResourcePattern; entry: AccessControlEntry }[]> {
  const response = await client.request(Apis.DescribeAcls, describeRequest(filter));
  check(response.errorCode, response.errorMessage);
  return response.resources.flatMap((r) =>
    r.acls.map((acl) => ({
      pattern: { resourceType: r.resourceType, name: r.resourceName, patternType: r.patternType },
      entry: {
        principal: acl.principal,
        host: acl.host,
        operation: acl.operation,
        permissionType: acl.permissionType,
      },
    })),
  );
}

/** The ACLs on the resources matching `filters` (none: on every resource), by resource. */
async function currentAcls(
  client: KafkaClient,
  filters: readonly ResourcePattern[],
): Promise<ResourceAcls[]> {
  const bindings = [];
  for (const filter of filters.length === 0 ? [null] : filters) {
    bindings.push(...(await describeAcls(client, filter)));
  }
  return groupByResource(bindings);
}

function onlyPrincipals(resources: ResourceAcls[], principals: readonly string[]): ResourceAcls[] {
  if (principals.length === 0) return resources;
  return resources
    .map((r) => ({ ...r, entries: r.entries.filter((e) => principals.includes(e.principal)) }))
    .filter((r) => r.entries.length > 0);
}

async function addAcls(client: KafkaClient, r: ResourceAcls, out: Output): Promise<void> {
  const existing = new Set(
    (await describeAcls(client, r.pattern))
      .filter(
        (b) => b.pattern.name === r.pattern.name && b.pattern.patternType === r.pattern.patternType,
      )
      .map((b) => formatEntry(b.entry)),
  );
  const added: AccessControlEntry[] = [];
  for (const e of r.entries) {
    if (existing.has(formatEntry(e)))
      out.line(`Acl ${formatBinding(r.pattern, e)} already exists.`);
    else added.push(e);
  }
  if (added.length === 0) return;
  const toAdd = { pattern: r.pattern, entries: added };
  printAdding(out, toAdd);
  const response = await client.request(Apis.CreateAcls, { creations: aclCreations(toAdd) });
  for (const result of response.results) check(result.errorCode, result.errorMessage);
}

async function deleteAcls(client: KafkaClient, r: ResourceAcls): Promise<void> {
  const response = await client.request(Apis.DeleteAcls, { filters: deleteFilters(r) });
  for (const result of response.filterResults) {
    check(result.errorCode, result.errorMessage);
    for (const acl of result.matchingAcls) check(acl.errorCode, acl.errorMessage);
  }
}
