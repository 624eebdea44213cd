// The authorization shapes the group and transaction handlers share, after Kafka's AuthHelper:
// splitting a request's topics by what the principal may do with them, failing every partition of
// a topic list with one error, and authorizeByResourceType ("may it do this to any resource of
// the type?"), which InitProducerId needs and access.ts does not offer.
import {
  AclOperation,
  AclPermissionType,
  PatternType,
  WILDCARD,
  WILDCARD_PRINCIPAL,
} from '../../metadata/acl-binding.js';
import { authorize, authorizeTopic } from '../access.js';
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

/** A name no ACL is expected to carry, as Kafka's default authorizeByResourceType probes with. */
const PROBE_NAME = 'hardcode';

/**
 * Kafka's Authorizer.authorizeByResourceType: may the principal perform `operation` on at least
 * one resource of `resourceType`? Yes when a probe name is allowed (super users,
 * allow.everyone.if.no.acl.found with no ACL on it, a wildcard ALLOW), or when some ALLOW of the
 * principal (or User:*) from its host (or *) is not covered by a DENY: a LITERAL "*" DENY covers
 * everything, a LITERAL DENY its own name, a PREFIXED DENY every name it starts.
 */
export function authorizeByResourceType(
  ctx: Ctx,
  operation: number,
  resourceType: number,
): boolean {
  const { authorizer } = ctx.services;
  if (authorizer === null || authorize(ctx, operation, resourceType, PROBE_NAME)) return true;
  const { principal, host } = ctx.session;
  const denyLiteral = new Set<string>();
  const denyPrefixed = new Set<string>();
  const allowed: { name: string; literal: boolean }[] = [];
  let wildcardAllow = false;
  const acls = authorizer.describeAcls({
    resourceType,
    resourceName: null,
    patternType: PatternType.ANY,
    principal: null,
    host: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY,
  });
  for (const acl of acls) {
    if (acl.host !== host && acl.host !== WILDCARD) continue;
    if (acl.principal !== principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
    if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue;
    const literal = acl.patternType === PatternType.LITERAL;
    if (acl.permissionType === AclPermissionType.DENY) {
      if (literal && acl.resourceName === WILDCARD) return false;
      (literal ? denyLiteral : denyPrefixed).add(acl.resourceName);
    } else if (acl.permissionType === AclPermissionType.ALLOW) {
      if (literal && acl.resourceName === WILDCARD) wildcardAllow = true;
      else allowed.push({ name: acl.resourceName, literal });
    }
  }
  if (wildcardAllow) return true;
  const deniedByPrefix = (name: string): boolean => {
    for (let end = 1; end <= name.length; end++)
      if (denyPrefixed.has(name.slice(0, end))) return true;
    return false;
  };
  return allowed.some(
    ({ name, literal }) => !(literal && denyLiteral.has(name)) && !deniedByPrefix(name),
  );
}
