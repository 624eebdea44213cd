// IncrementalAlterConfigs (key 44), v0-1: SET, DELETE, APPEND and SUBTRACT on single keys. As in
// Kafka's ConfigAdminManager and controller:
// - a resource named twice fails every occurrence with INVALID_REQUEST;
// - TOPIC (2): through TopicManager (configs.md §5): INVALID_REQUEST for an unknown operation,
//   duplicate keys or a null value outside DELETE; INVALID_CONFIG for unknown names, bad values
//   or APPEND/SUBTRACT on a non-list key; then UNKNOWN_TOPIC_OR_PARTITION for an unknown topic.
//   All operations on one resource apply together or not at all; validateOnly stores nothing;
// - BROKER (4): dynamic broker configs, for this broker's id or the cluster default (""). The
//   change is validated as Kafka does (another id, read-only keys, bad values → INVALID_REQUEST),
//   then stored in the metadata and applied at once (validateOnly stores nothing);
// - BROKER_LOGGER (8): Samsa has no log4j loggers to change: INVALID_REQUEST, not supported yet;
// - GROUP (32): a consumer group's overrides of group.consumer.* (Kafka 4.0's GroupConfig: SET and
//   DELETE, INVALID_CONFIG for unknown keys or values outside the broker's min/max), stored in the
//   metadata and read by the group coordinator; the group need not exist;
// - CLIENT_METRICS (16): not supported yet; unknown types: INVALID_REQUEST "Unknown
//   resource type N".
// Resources the principal may not ALTER_CONFIGS get TOPIC_ / CLUSTER_AUTHORIZATION_FAILED.
import {
  RESOURCE_TYPES,
  incrementalAlterBrokerConfigs,
  incrementalAlterGroupConfigs,
} from '../../config/index.js';
import { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsResponse,
} from '../../protocol/generated/api/incremental-alter-configs.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import {
  alterEachResource,
  resourceTypeUnsupported,
  unknownResourceType,
} from './config-resources.js';
import { AclOperation } from '../../metadata/acl-binding.js';

export const incrementalAlterConfigsHandler = defineHandler({
  api: Apis.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(
    ctx: RequestContext<BrokerServices>,
    request: IncrementalAlterConfigsRequest,
  ): Promise<IncrementalAlterConfigsResponse> {
    const { topics, config } = ctx.services;
    const responses = await alterEachResource(
      ctx,
      AclOperation.ALTER_CONFIGS,
      request.resources,
      async (resource) => {
        const { resourceType, resourceName, configs } = resource;
        switch (resourceType) {
          case RESOURCE_TYPES.TOPIC:
            return topics.incrementalAlterConfigs(resourceName, configs, request.validateOnly);
          case RESOURCE_TYPES.BROKER: {
            const next = incrementalAlterBrokerConfigs(config, resourceName, configs);
            if (!request.validateOnly) await ctx.services.dynamicConfig.set(resourceName, next);
            return;
          }
          case RESOURCE_TYPES.BROKER_LOGGER:
            throw new KafkaError(
              'INVALID_REQUEST',
              'Changing broker log levels is not supported yet',
            );
          case RESOURCE_TYPES.GROUP: {
            if (resourceName === '')
              throw new KafkaError('INVALID_REQUEST', 'Group id must not be empty');
            const { metadata } = ctx.services;
            const next = incrementalAlterGroupConfigs(
              metadata.groupConfigs(resourceName),
              configs,
              config,
            );
            if (!request.validateOnly) await metadata.setGroupConfigs(resourceName, next);
            return;
          }
          case RESOURCE_TYPES.CLIENT_METRICS:
            throw resourceTypeUnsupported(resourceType);
          default:
            throw unknownResourceType(resourceType);
        }
      },
    );
    return { ...Apis.IncrementalAlterConfigs.response.create(), responses };
  },
});
