// The built-in authorizer: Kafka's StandardAuthorizer rules over the ACLs in the metadata store.
//
// A request by (principal, host) to perform an operation on a resource is:
//   1. allowed when the principal is a super user (`super.users`);
//   2. denied when a DENY ACL applies (same operation or ALL);
//   3. allowed when an ALLOW ACL applies (same operation or ALL; an ALLOW of READ, WRITE, DELETE
//      or ALTER implies DESCRIBE, an ALLOW of ALTER_CONFIGS implies DESCRIBE_CONFIGS);
//   4. when no ACL at all applies to the resource, allowed only if
//      `allow.everyone.if.no.acl.found` is true; otherwise denied.
// An ACL applies when its resource pattern covers the resource (patternApplies), its principal is
// the requester's or User:*, and its host is the requester's or *.
//
// The ACLs are indexed by resource type, literal name and prefix (a check looks up the name's
// slices of the prefix lengths in use), and the index is rebuilt from the store after every
// change, so a check touches only the ACLs that can apply, however many there are. The store stays the source of truth (cluster mode will refresh from its watch).
import {
  AclOperation,
  AclPermissionType,
  PatternType,
  WILDCARD,
  WILDCARD_PRINCIPAL,
  aclKey,
  type AclBinding,
} from '../metadata/acl-binding.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { KafkaError } from '../errors/kafka-error.js';
import {
  filterMatches,
  validateBinding,
  validateFilter,
  type AclBindingFilter,
} from './acl-filter.js';

/** Who is asking: the authenticated principal and the client's IP address. */
export interface Session {
  readonly principal: string;
  readonly host: string;
}

export interface AuthorizerOptions {
  /** Principals that bypass ACLs (`super.users`). */
  readonly superUsers: readonly string[];
  /** `allow.everyone.if.no.acl.found`. */
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** Per CreateAcls creation: null when stored, else why not. */
export type CreateResult = KafkaError | null;
/** Per DeleteAcls filter: the ACLs it removed, or why it could not run. */
export type DeleteResult = { acls: AclBinding[] } | { error: KafkaError };

const IMPLIES_DESCRIBE = new Set<number>([
  AclOperation.DESCRIBE,
  AclOperation.READ,
  AclOperation.WRITE,
  AclOperation.DELETE,
  AclOperation.ALTER,
]);
const IMPLIES_DESCRIBE_CONFIGS = new Set<number>([
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
]);

/** A name no ACL is expected to carry, as Kafka's default authorizeByResourceType probes with. */
const PROBE_NAME = 'hardcode';

function grants(aclOperation: number, operation: number): boolean {
  if (aclOperation === AclOperation.ALL || aclOperation === operation) return true;
  if (operation === AclOperation.DESCRIBE) return IMPLIES_DESCRIBE.has(aclOperation);
  if (operation === AclOperation.DESCRIBE_CONFIGS)
    return IMPLIES_DESCRIBE_CONFIGS.has(aclOperation);
  return false;
}

interface TypeIndex {
  /** LITERAL ACLs by resource name ("*" included). */
  literal: Map<string, AclBinding[]>;
  /** PREFIXED ACLs by prefix. */
  prefixed: Map<string, AclBinding[]>;
  /** The lengths of those prefixes, ascending: a check looks up only these slices of a name. */
  prefixLengths: number[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

export class Authorizer {
  readonly #store: MetadataStore;
  readonly #superUsers: ReadonlySet<string>;
  readonly #allowEveryoneIfNoAclFound: boolean;
  #index = new Map<number, TypeIndex>();

  constructor(store: MetadataStore, options: AuthorizerOptions) {
    this.#store = store;
    this.#superUsers = new Set(options.superUsers);
    this.#allowEveryoneIfNoAclFound = options.allowEveryoneIfNoAclFound;
    this.refresh();
  }

  /** Rebuilds the index from the store (after a change made elsewhere). */
  refresh(): void {
    const index = new Map<number, TypeIndex>();
    for (const acl of this.#store.acls()) {
      let forType = index.get(acl.resourceType);
      if (forType === undefined) {
        forType = { literal: new Map(), prefixed: new Map(), prefixLengths: [] };
        index.set(acl.resourceType, forType);
      }
      if (acl.patternType === PatternType.PREFIXED) push(forType.prefixed, acl.resourceName, acl);
      else push(forType.literal, acl.resourceName, acl);
    }
    for (const forType of index.values()) {
      const lengths = new Set([...forType.prefixed.keys()].map((prefix) => prefix.length));
      forType.prefixLengths = [...lengths].sort((a, b) => a - b);
    }
    this.#index = index;
  }

  authorize(session: Session, operation: number, resourceType: number, name: string): boolean {
    if (this.#superUsers.has(session.principal)) return true;
    let found = false;
    let allowed = false;
    for (const acl of this.#applicable(resourceType, name)) {
      found = true;
      if (acl.principal !== session.principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
      if (acl.host !== session.host && acl.host !== WILDCARD) continue;
      if (acl.permissionType === AclPermissionType.DENY) {
        if (acl.operation === operation || acl.operation === AclOperation.ALL) return false;
      } else if (grants(acl.operation, operation)) {
        allowed = true;
      }
    }
    return allowed || (!found && this.#allowEveryoneIfNoAclFound);
  }

  /** Kafka's authorized-operations bit field: bit `op` set for each of `operations` allowed. */
  authorizedOperations(
    session: Session,
    resourceType: number,
    name: string,
    operations: readonly number[],
  ): number {
    let bits = 0;
    for (const op of operations)
      if (this.authorize(session, op, resourceType, name)) bits |= 1 << op;
    return bits;
  }

  /**
   * Kafka's Authorizer.authorizeByResourceType: may the principal perform `operation` on at least
   * one resource of `resourceType`? Yes when a probe name no ACL is expected to carry is allowed
   * (super users, allow.everyone.if.no.acl.found, a wildcard ALLOW), or when some ALLOW of the
   * principal (or User:*) from its host (or *) is not covered by a DENY: a LITERAL "*" DENY covers
   * everything, a LITERAL DENY its own name, a PREFIXED DENY every name it starts.
   */
  authorizeByResourceType(session: Session, operation: number, resourceType: number): boolean {
    if (this.authorize(session, operation, resourceType, PROBE_NAME)) return true;
    const denyLiteral = new Set<string>();
    const denyPrefixed = new Set<string>();
    const allowed: { name: string; literal: boolean }[] = [];
    let wildcardAllow = false;
    for (const acl of this.#store.acls()) {
      if (acl.resourceType !== resourceType) continue;
      if (acl.host !== session.host && acl.host !== WILDCARD) continue;
      if (acl.principal !== session.principal && acl.principal !== WILDCARD_PRINCIPAL) continue;
      if (acl.operation !== operation && acl.operation !== AclOperation.ALL) continue;
      const literal = acl.patternType === PatternType.LITERAL;
      if (acl.permissionType === AclPermissionType.DENY) {
        if (literal && acl.resourceName === WILDCARD) return false;
        (literal ? denyLiteral : denyPrefixed).add(acl.resourceName);
      } else {
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

  *#applicable(resourceType: number, name: string): Generator<AclBinding> {
    const forType = this.#index.get(resourceType);
    if (forType === undefined) return;
    yield* forType.literal.get(name) ?? [];
    if (name !== WILDCARD) yield* forType.literal.get(WILDCARD) ?? [];
    for (const length of forType.prefixLengths) {
      if (length > name.length) break;
      yield* forType.prefixed.get(name.slice(0, length)) ?? [];
    }
  }

  /** CreateAcls: validates each binding, stores the valid ones, reports per binding. */
  async createAcls(acls: readonly AclBinding[]): Promise<CreateResult[]> {
    const results = acls.map((acl): CreateResult => {
      try {
        validateBinding(acl);
        return null;
      } catch (err) {
        if (err instanceof KafkaError) return err;
        throw err;
      }
    });
    const valid = acls.filter((_, i) => results[i] === null);
    if (valid.length > 0) {
      await this.#store.addAcls(valid);
      this.refresh();
    }
    return results;
  }

  /** DescribeAcls: the ACLs the filter selects; INVALID_REQUEST for a filter with UNKNOWN parts. */
  describeAcls(filter: AclBindingFilter): AclBinding[] {
    validateFilter(filter);
    return this.#store.acls().filter((acl) => filterMatches(filter, acl));
  }

  /** DeleteAcls: removes what each filter selects; each ACL is reported by the first filter that selects it. */
  async deleteAcls(filters: readonly AclBindingFilter[]): Promise<DeleteResult[]> {
    const taken = new Set<string>();
    const results = filters.map((filter): DeleteResult => {
      try {
        validateFilter(filter);
      } catch (err) {
        if (err instanceof KafkaError) return { error: err };
        throw err;
      }
      const acls = this.#store
        .acls()
        .filter((acl) => filterMatches(filter, acl) && !taken.has(aclKey(acl)));
      for (const acl of acls) taken.add(aclKey(acl));
      return { acls };
    });
    const removed = results.flatMap((r) => ('acls' in r ? r.acls : []));
    if (removed.length > 0) {
      await this.#store.removeAcls(removed);
      this.refresh();
    }
    return results;
  }
}
