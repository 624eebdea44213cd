// DescribeUserScramCredentials (key 50), v0: each user's SCRAM mechanisms and iterations (never
// the keys), every user with a credential when the list is null or empty. Per user:
// RESOURCE_NOT_FOUND for a user without credentials, DUPLICATE_RESOURCE for one named twice.
// Needs DESCRIBE on the cluster (CLUSTER_AUTHORIZATION_FAILED for the request).
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeUserScramCredentialsRequest,
  DescribeUserScramCredentialsResponse,
} from '../../protocol/generated/api/describe-user-scram-credentials.js';
import { authorizeCluster } from '../access.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { NO_ERROR } from './error-fields.js';

export const describeUserScramCredentialsHandler = defineHandler({
  api: Apis.DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: DescribeUserScramCredentialsRequest,
  ): DescribeUserScramCredentialsResponse {
    if (!authorizeCluster(ctx, AclOperation.DESCRIBE)) {
      const error = new KafkaError('CLUSTER_AUTHORIZATION_FAILED');
      return {
        throttleTimeMs: 0,
        errorCode: error.errorCode,
        errorMessage: error.message,
        results: [],
      };
    }
    const users = request.users === null ? null : request.users.map((u) => u.name);
    return {
      throttleTimeMs: 0,
      ...NO_ERROR,
      results: ctx.services.scramCredentials.describe(users).map((r) => ({
        user: r.user,
        errorCode: r.error?.errorCode ?? 0,
        errorMessage: r.error?.message ?? null,
        credentialInfos: r.value ?? [],
      })),
    };
  },
});
