// DeleteAcls (key 31), v0-3: removes the ACLs each filter selects and returns them per filter.
// Needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED for every filter); SECURITY_DISABLED
// without an authorizer; INVALID_REQUEST for a filter with UNKNOWN parts. An ACL selected by
// several filters is reported once, by the first.
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DeleteAclsRequest,
  DeleteAclsResponse,
} from '../../protocol/generated/api/delete-acls.js';
import { authorizeCluster } from '../access.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { NO_ERROR, errorFields } from './error-fields.js';
import { requireAuthorizer, toFilter } from './acl-requests.js';

export const deleteAclsHandler = defineHandler({
  api: Apis.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: DeleteAclsRequest,
  ): Promise<DeleteAclsResponse> {
    const everyOne = (err: unknown): DeleteAclsResponse => {
      const fields = errorFields(ctx, err, 'DeleteAcls');
      return {
        throttleTimeMs: 0,
        filterResults: request.filters.map(() => ({ ...fields, matchingAcls: [] })),
      };
    };
    const authorizer = requireAuthorizer(ctx);
    if (authorizer instanceof KafkaError) return everyOne(authorizer);
    if (!authorizeCluster(ctx, AclOperation.ALTER))
      return everyOne(new KafkaError('CLUSTER_AUTHORIZATION_FAILED'));
    try {
      const results = await authorizer.deleteAcls(request.filters.map(toFilter));
      return {
        throttleTimeMs: 0,
        filterResults: results.map((result) =>
          'error' in result
            ? { ...errorFields(ctx, result.error, 'DeleteAcls'), matchingAcls: [] }
            : {
                ...NO_ERROR,
                matchingAcls: result.acls.map((acl) => ({ ...NO_ERROR, ...acl })),
              },
        ),
      };
    } catch (err) {
      return everyOne(err);
    }
  },
});
