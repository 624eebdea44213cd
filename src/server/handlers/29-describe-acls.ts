// DescribeAcls (key 29), v0-3: the ACLs a filter selects, grouped by resource pattern. Needs
// DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED); SECURITY_DISABLED without an authorizer;
// INVALID_REQUEST for a filter with UNKNOWN parts. v0 has no pattern type: its filters and
// answers are LITERAL only.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation, aclKey, type AclBinding } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeAclsRequest,
  DescribeAclsResponse,
  DescribeAclsResponseDescribeAclsResource,
} from '../../protocol/generated/api/describe-acls.js';
import { authorizeCluster } from '../access.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';
import { requireAuthorizer, toFilter } from './acl-requests.js';

function byResource(acls: readonly AclBinding[]): DescribeAclsResponseDescribeAclsResource[] {
  const resources = new Map<string, DescribeAclsResponseDescribeAclsResource>();
  for (const acl of acls) {
    const key = aclKey({ ...acl, principal: '', host: '', operation: 0, permissionType: 0 });
    let resource = resources.get(key);
    if (resource === undefined) {
      resource = {
        resourceType: acl.resourceType,
        resourceName: acl.resourceName,
        patternType: acl.patternType,
        acls: [],
      };
      resources.set(key, resource);
    }
    const { principal, host, operation, permissionType } = acl;
    resource.acls.push({ principal, host, operation, permissionType });
  }
  return [...resources.values()];
}

export const describeAclsHandler = defineHandler({
  api: Apis.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(ctx: RequestContext<BrokerServices>, request: DescribeAclsRequest): DescribeAclsResponse {
    const response = Apis.DescribeAcls.response.create();
    try {
      const authorizer = requireAuthorizer(ctx);
      if (authorizer instanceof KafkaError) throw authorizer;
      if (!authorizeCluster(ctx, AclOperation.DESCRIBE))
        throw new KafkaError('CLUSTER_AUTHORIZATION_FAILED');
      const acls = authorizer.describeAcls(toFilter(request));
      return { ...response, errorMessage: null, resources: byResource(acls) };
    } catch (err) {
      return { ...response, ...errorFields(ctx, err, 'DescribeAcls') };
    }
  },
});
