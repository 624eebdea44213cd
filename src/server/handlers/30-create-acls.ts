// CreateAcls (key 30), v0-3: stores each ACL and answers per creation. Needs ALTER on the cluster
// (CLUSTER_AUTHORIZATION_FAILED for every creation); SECURITY_DISABLED without an authorizer;
// INVALID_REQUEST for a binding that cannot be stored (ANY or UNKNOWN parts, a pattern type other
// than LITERAL or PREFIXED, an unparseable principal, a CLUSTER name other than kafka-cluster).
// Creating an ACL that exists already succeeds and keeps one copy, as in Kafka.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  CreateAclsRequest,
  CreateAclsResponse,
} from '../../protocol/generated/api/create-acls.js';
import { authorizeCluster } from '../access.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { NO_ERROR, errorFields } from './error-fields.js';
import { requireAuthorizer } from './acl-requests.js';

export const createAclsHandler = defineHandler({
  api: Apis.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: CreateAclsRequest,
  ): Promise<CreateAclsResponse> {
    const everyOne = (err: unknown): CreateAclsResponse => {
      const fields = errorFields(ctx, err, 'CreateAcls');
      return { throttleTimeMs: 0, results: request.creations.map(() => ({ ...fields })) };
    };
    const authorizer = requireAuthorizer(ctx);
    if (authorizer instanceof KafkaError) return everyOne(authorizer);
    if (!authorizeCluster(ctx, AclOperation.ALTER))
      return everyOne(new KafkaError('CLUSTER_AUTHORIZATION_FAILED'));
    try {
      const results = await authorizer.createAcls(
        request.creations.map((c) => ({
          resourceType: c.resourceType,
          resourceName: c.resourceName,
          patternType: c.resourcePatternType,
          principal: c.principal,
          host: c.host,
          operation: c.operation,
          permissionType: c.permissionType,
        })),
      );
      return {
        throttleTimeMs: 0,
        results: results.map((err) =>
          err === null ? { ...NO_ERROR } : errorFields(ctx, err, 'CreateAcls'),
        ),
      };
    } catch (err) {
      return everyOne(err);
    }
  },
});
