// An ACL as Kafka stores it: a resource pattern (type, name, pattern type) bound to an access
// control entry (principal, host, operation, permission). The codes are Kafka's wire values
// (org.apache.kafka.common.resource / acl), so bindings travel through CreateAcls, DescribeAcls
// and DeleteAcls unchanged and sit in the metadata store as plain numbers.

/** Kafka's ResourceType codes. ANY and UNKNOWN appear only in filters and errors. */
export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;

/** Kafka's PatternType codes. ANY and MATCH appear only in filters. */
export const PatternType = {
  UNKNOWN: 0,
  ANY: 1,
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const;

/** Kafka's AclOperation codes. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;

/** Kafka's AclPermissionType codes. */
export const AclPermissionType = {
  UNKNOWN: 0,
  ANY: 1,
  DENY: 2,
  ALLOW: 3,
} as const;

/** The one name a CLUSTER resource has. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A LITERAL resource name, principal or host that matches every one. */
export const WILDCARD = '*';
/** The principal of every PLAINTEXT connection (no authentication). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';
/** The principal an ACL uses to mean every user. */
export const WILDCARD_PRINCIPAL = 'User:*';

export interface AclBinding {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly patternType: number;
  /** "Type:name", e.g. "User:alice" or "User:*". */
  readonly principal: string;
  /** An IP address as the broker sees it, or "*". */
  readonly host: string;
  readonly operation: number;
  readonly permissionType: number;
}

/** Identity of a binding: two bindings with the same key are the same ACL. */
export function aclKey(acl: AclBinding): string {
  return JSON.stringify([
    acl.resourceType,
    acl.resourceName,
    acl.patternType,
    acl.principal,
    acl.host,
    acl.operation,
    acl.permissionType,
  ]);
}

function nameOf(codes: Readonly<Record<string, number>>, code: number): string {
  for (const [name, value] of Object.entries(codes)) if (value === code) return name;
  return 'UNKNOWN';
}

export const resourceTypeName = (code: number): string => nameOf(ResourceType, code);
export const patternTypeName = (code: number): string => nameOf(PatternType, code);
export const operationName = (code: number): string => nameOf(AclOperation, code);
export const permissionTypeName = (code: number): string => nameOf(AclPermissionType, code);
