// Which ACLs a DescribeAcls or DeleteAcls filter selects, and which bindings CreateAcls accepts,
// with Kafka's rules (ResourcePatternFilter / AccessControlEntryFilter, AclControlManager):
//   - ANY matches every value of its field; a null name, principal or host matches every one.
//   - Pattern type ANY selects bindings of any pattern type with exactly the filter's name; MATCH
//     selects every binding that applies to the name: the same LITERAL name, the LITERAL "*",
//     and every PREFIXED pattern the name starts with.
import { KafkaError } from '../errors/kafka-error.js';
import {
  AclOperation,
  AclPermissionType,
  CLUSTER_RESOURCE_NAME,
  PatternType,
  ResourceType,
  WILDCARD,
  type AclBinding,
} from '../metadata/acl-binding.js';

export interface AclBindingFilter {
  readonly resourceType: number;
  readonly resourceName: string | null;
  readonly patternType: number;
  readonly principal: string | null;
  readonly host: string | null;
  readonly operation: number;
  readonly permissionType: number;
}

/** Does a binding's resource pattern apply to the resource `name` (of the same type)? */
export function patternApplies(acl: AclBinding, name: string): boolean {
  if (acl.patternType === PatternType.PREFIXED) return name.startsWith(acl.resourceName);
  return acl.resourceName === name || acl.resourceName === WILDCARD;
}

function resourceMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  if (filter.resourceType !== ResourceType.ANY && filter.resourceType !== acl.resourceType)
    return false;
  const { patternType, resourceName } = filter;
  if (
    patternType !== PatternType.ANY &&
    patternType !== PatternType.MATCH &&
    patternType !== acl.patternType
  )
    return false;
  if (resourceName === null) return true;
  if (patternType !== PatternType.MATCH) return resourceName === acl.resourceName;
  return patternApplies(acl, resourceName);
}

export function filterMatches(filter: AclBindingFilter, acl: AclBinding): boolean {
  return (
    resourceMatches(filter, acl) &&
    (filter.principal === null || filter.principal === acl.principal) &&
    (filter.host === null || filter.host === acl.host) &&
    (filter.operation === AclOperation.ANY || filter.operation === acl.operation) &&
    (filter.permissionType === AclPermissionType.ANY ||
      filter.permissionType === acl.permissionType)
  );
}

function invalid(message: string): KafkaError {
  return new KafkaError('INVALID_REQUEST', message);
}

function known(codes: Readonly<Record<string, number>>, code: number): boolean {
  return code !== 0 && Object.values(codes).includes(code);
}

/** Throws INVALID_REQUEST for a filter with an UNKNOWN (or out-of-range) element, as Kafka does. */
export function validateFilter(filter: AclBindingFilter): void {
  if (
    !known(ResourceType, filter.resourceType) ||
    !known(PatternType, filter.patternType) ||
    !known(AclOperation, filter.operation) ||
    !known(AclPermissionType, filter.permissionType)
  ) {
    throw invalid('The filter contains UNKNOWN elements');
  }
}

const PRINCIPAL = /^[^:]+:.*$/;

/** Throws INVALID_REQUEST unless `acl` is a binding that can be stored. */
export function validateBinding(acl: AclBinding): void {
  const { resourceType, patternType, operation, permissionType } = acl;
  if (!known(ResourceType, resourceType) || resourceType === ResourceType.ANY)
    throw invalid(`Invalid resourceType ${resourceType}`);
  if (patternType !== PatternType.LITERAL && patternType !== PatternType.PREFIXED)
    throw invalid(`Invalid patternType ${patternType}`);
  if (!known(AclOperation, operation) || operation === AclOperation.ANY)
    throw invalid(`Invalid operation ${operation}`);
  if (permissionType !== AclPermissionType.ALLOW && permissionType !== AclPermissionType.DENY)
    throw invalid(`Invalid permissionType ${permissionType}`);
  if (acl.resourceName === '') throw invalid('Resource name should not be empty');
  if (resourceType === ResourceType.CLUSTER && acl.resourceName !== CLUSTER_RESOURCE_NAME)
    throw invalid(`The only valid name for the CLUSTER resource is ${CLUSTER_RESOURCE_NAME}`);
  if (!PRINCIPAL.test(acl.principal))
    throw invalid(`Could not parse principal from \`${acl.principal}\` (no colon is present).`);
  if (acl.host === '') throw invalid('Invalid host: the host must not be empty');
}
