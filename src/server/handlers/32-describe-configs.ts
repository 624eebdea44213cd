// DescribeConfigs (key 32), v0-4, answered as Kafka's ConfigHelper does (configs.md §2):
// - TOPIC (2): INVALID_TOPIC_EXCEPTION for an illegal name, UNKNOWN_TOPIC_OR_PARTITION (no
//   message) for an unknown topic, else every topic config or the requested ones, with their
//   source; synonyms with includeSynonyms (v1+), documentation with includeDocumentation (v3+).
// - BROKER (4): "<this broker's id>" lists every broker config, "" the cluster-level dynamic ones;
//   another id is INVALID_REQUEST.
// - BROKER_LOGGER (8): Kafka lists log4j loggers and their levels. Samsa has no log4j loggers, so
//   this broker's id answers an empty list; an empty name, a non-integer or another id gets
//   Kafka's INVALID_REQUEST.
// - GROUP (32): every group config with its value (the group's override, else the broker's
//   group.consumer.* default), for any group id, existing or not, as in Kafka 4.0.
// - CLIENT_METRICS (16): not supported yet, INVALID_REQUEST for that resource.
// - Any other type fails the whole request, as in Kafka: every resource gets INVALID_REQUEST with
//   the generic message.
// Resources the principal may not DESCRIBE_CONFIGS get TOPIC_AUTHORIZATION_FAILED (topics) or
// CLUSTER_AUTHORIZATION_FAILED (broker resources).
// v0 has no configSource; it has isDefault instead, set for configs whose source is
// DEFAULT_CONFIG (from v1 the field is gone and must stay false).
import { topicOverrides } from '../../metadata/metadata-store.js';
import {
  CONFIG_SOURCES,
  RESOURCE_TYPES,
  describeBrokerConfigs,
  describeGroupConfigs,
  describeTopicConfigs,
  type DescribeOptions,
  type DescribedConfig,
} from '../../config/index.js';
import { ErrorCodes, KafkaError } from '../../errors/kafka-error.js';
import { validateTopicName } from '../../metadata/topic-name.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeConfigsRequest,
  DescribeConfigsRequestDescribeConfigsResource,
  DescribeConfigsResponse,
  DescribeConfigsResponseDescribeConfigsResult,
} from '../../protocol/generated/api/describe-configs.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import {
  authorizeConfigResource,
  brokerIdOf,
  resourceTypeName,
  resourceTypeUnsupported,
} from './config-resources.js';
import { AclOperation } from '../../metadata/acl-binding.js';
import { NO_ERROR, errorFields } from './error-fields.js';

type Result = DescribeConfigsResponseDescribeConfigsResult;

/** The resource's configs, or a result without configs (an error). */
function describe(
  ctx: RequestContext<BrokerServices>,
  resource: DescribeConfigsRequestDescribeConfigsResource,
  options: DescribeOptions,
): DescribedConfig[] | Pick<Result, 'errorCode' | 'errorMessage'> {
  const { config, metadata } = ctx.services;
  const name = resource.resourceName;
  authorizeConfigResource(ctx, AclOperation.DESCRIBE_CONFIGS, resource);
  switch (resource.resourceType) {
    case RESOURCE_TYPES.TOPIC: {
      validateTopicName(name);
      const topic = metadata.topic(name);
      if (topic === undefined) {
        return { errorCode: ErrorCodes.UNKNOWN_TOPIC_OR_PARTITION.code, errorMessage: null };
      }
      return describeTopicConfigs(topicOverrides(topic), config, options);
    }
    case RESOURCE_TYPES.BROKER:
      return describeBrokerConfigs(config, name, options);
    case RESOURCE_TYPES.BROKER_LOGGER:
      if (name === '') throw new KafkaError('INVALID_REQUEST', 'Broker id must not be empty');
      if (brokerIdOf(name) !== config.nodeId) {
        throw new KafkaError(
          'INVALID_REQUEST',
          `Unexpected broker id, expected ${config.nodeId} but received ${name}`,
        );
      }
      return [];
    case RESOURCE_TYPES.GROUP:
      return describeGroupConfigs(metadata.groupConfigs(name), config, options);
    default:
      throw resourceTypeUnsupported(resource.resourceType);
  }
}

export const describeConfigsHandler = defineHandler({
  api: Apis.DescribeConfigs,
  minVersion: 0,
  maxVersion: 4,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: DescribeConfigsRequest,
  ): DescribeConfigsResponse {
    const response = Apis.DescribeConfigs.response.create();
    const unknownType = request.resources.some(
      (r) => resourceTypeName(r.resourceType) === undefined,
    );
    if (unknownType) {
      response.results = request.resources.map((r) => ({
        errorCode: ErrorCodes.INVALID_REQUEST.code,
        errorMessage: ErrorCodes.INVALID_REQUEST.message,
        resourceType: r.resourceType,
        resourceName: r.resourceName,
        configs: [],
      }));
      return response;
    }
    const v0 = ctx.apiVersion === 0;
    response.results = request.resources.map((resource): Result => {
      const { resourceType, resourceName } = resource;
      const options: DescribeOptions = {
        configurationKeys: resource.configurationKeys,
        includeSynonyms: request.includeSynonyms,
        includeDocumentation: request.includeDocumentation,
      };
      let described: ReturnType<typeof describe>;
      try {
        described = describe(ctx, resource, options);
      } catch (err) {
        const label = `${resourceTypeName(resourceType)} resource "${resourceName}"`;
        described = errorFields(ctx, err, label);
      }
      if (!Array.isArray(described)) {
        return { ...described, resourceType, resourceName, configs: [] };
      }
      return {
        ...NO_ERROR,
        resourceType,
        resourceName,
        configs: described.map((c) => ({
          ...c,
          isDefault: v0 && c.configSource === CONFIG_SOURCES.DEFAULT_CONFIG,
        })),
      };
    });
    return response;
  },
});
