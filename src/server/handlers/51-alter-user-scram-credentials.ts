// AlterUserScramCredentials (key 51), v0: deletes and upserts SCRAM credentials, one result per
// user named (see ScramCredentials for the per-user errors). Needs ALTER on the cluster
// (CLUSTER_AUTHORIZATION_FAILED for every user).
import { KafkaError } from '../../errors/kafka-error.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  AlterUserScramCredentialsRequest,
  AlterUserScramCredentialsResponse,
} from '../../protocol/generated/api/alter-user-scram-credentials.js';
import { authorizeCluster } from '../access.js';
import type { BrokerServices } from '../broker-services.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { errorFields } from './error-fields.js';

export const alterUserScramCredentialsHandler = defineHandler({
  api: Apis.AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: AlterUserScramCredentialsRequest,
  ): Promise<AlterUserScramCredentialsResponse> {
    const users = [...new Set([...request.deletions, ...request.upsertions].map((c) => c.name))];
    const everyUser = (err: unknown): AlterUserScramCredentialsResponse => {
      const fields = errorFields(ctx, err, 'AlterUserScramCredentials');
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, ...fields })) };
    };
    if (!authorizeCluster(ctx, AclOperation.ALTER))
      return everyUser(new KafkaError('CLUSTER_AUTHORIZATION_FAILED'));
    try {
      const results = await ctx.services.scramCredentials.alter(
        request.deletions,
        request.upsertions,
      );
      return {
        throttleTimeMs: 0,
        results: results.map((r) => ({
          user: r.user,
          errorCode: r.error?.errorCode ?? 0,
          errorMessage: r.error?.message ?? null,
        })),
      };
    } catch (err) {
      return everyUser(err);
    }
  },
});
