// What the three ACL handlers share: the wire filter as the authorizer's filter, and the refusal
// when no authorizer is configured (Kafka answers SECURITY_DISABLED, "No Authorizer is configured").
import { KafkaError } from '../../errors/kafka-error.js';
import type { DeleteAclsRequestDeleteAclsFilter } from '../../protocol/generated/api/delete-acls.js';
import type { AclBindingFilter } from '../../security/acl-filter.js';
import type { Authorizer } from '../../security/authorizer.js';
import type { BrokerServices } from '../broker-services.js';
import type { RequestContext } from '../handler.js';

/** A filter as DescribeAcls carries it at the top level and DeleteAcls per filter. */
export type WireAclFilter = Omit<DeleteAclsRequestDeleteAclsFilter, '_unknownTaggedFields'>;

export function toFilter(wire: WireAclFilter): AclBindingFilter {
  return {
    resourceType: wire.resourceTypeFilter,
    resourceName: wire.resourceNameFilter,
    patternType: wire.patternTypeFilter,
    principal: wire.principalFilter,
    host: wire.hostFilter,
    operation: wire.operation,
    permissionType: wire.permissionType,
  };
}

/** The authorizer, or the error every ACL request gets without one. */
export function requireAuthorizer(ctx: RequestContext<BrokerServices>): Authorizer | KafkaError {
  return (
    ctx.services.authorizer ?? new KafkaError('SECURITY_DISABLED', 'No Authorizer is configured.')
  );
}
