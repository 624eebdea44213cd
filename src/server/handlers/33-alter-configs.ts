// AlterConfigs (key 33), v0-2: the legacy API, where the configs given replace every override of
// the resource (omitted keys are deleted). As in Kafka's ConfigAdminManager and controller:
// - a resource named twice fails every occurrence with INVALID_REQUEST;
// - TOPIC (2): through TopicManager, which validates like Kafka (INVALID_REQUEST for duplicate
//   keys or null values, INVALID_CONFIG for unknown names or bad values, then
//   UNKNOWN_TOPIC_OR_PARTITION for an unknown topic); validateOnly checks without storing;
// - BROKER (4): dynamic broker configs, for this broker's id or the cluster default (""). The
//   change is validated as Kafka does (another id, read-only keys, bad values → INVALID_REQUEST),
//   then stored in the metadata and applied at once (validateOnly stores nothing);
// - BROKER_LOGGER (8) and unknown types: INVALID_REQUEST "Unknown resource type N" (the legacy
//   API never supported log levels); CLIENT_METRICS (16), GROUP (32): not supported yet.
// Resources the principal may not ALTER_CONFIGS get TOPIC_ / CLUSTER_AUTHORIZATION_FAILED.
import { RESOURCE_TYPES, alterBrokerConfigs } from '../../config/index.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  AlterConfigsRequest,
  AlterConfigsResponse,
} from '../../protocol/generated/api/alter-configs.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import {
  alterEachResource,
  resourceTypeUnsupported,
  unknownResourceType,
} from './config-resources.js';
import { AclOperation } from '../../metadata/acl-binding.js';

export const alterConfigsHandler = defineHandler({
  api: Apis.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: AlterConfigsRequest,
  ): Promise<AlterConfigsResponse> {
    const { topics, config } = ctx.services;
    const responses = await alterEachResource(
      ctx,
      AclOperation.ALTER_CONFIGS,
      request.resources,
      async (resource) => {
        const { resourceType, resourceName, configs } = resource;
        switch (resourceType) {
          case RESOURCE_TYPES.TOPIC:
            return topics.alterConfigs(resourceName, configs, request.validateOnly);
          case RESOURCE_TYPES.BROKER: {
            const next = alterBrokerConfigs(config, resourceName, configs);
            if (!request.validateOnly) await ctx.services.dynamicConfig.set(resourceName, next);
            return;
          }
          case RESOURCE_TYPES.CLIENT_METRICS:
          case RESOURCE_TYPES.GROUP:
            throw resourceTypeUnsupported(resourceType);
          default:
            throw unknownResourceType(resourceType);
        }
      },
    );
    return { ...Apis.AlterConfigs.response.create(), responses };
  },
});
