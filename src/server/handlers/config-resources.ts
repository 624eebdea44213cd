// What the three config APIs (DescribeConfigs, AlterConfigs, IncrementalAlterConfigs) share:
// resource type names, Kafka's broker-id parsing of a resource name, the refusals for what Samsa
// does not support yet, and the per-resource loop of both alter APIs (Kafka's ConfigAdminManager:
// a resource named twice fails every occurrence, results follow the request order), and the
// authorization of a config resource (Kafka: DESCRIBE_CONFIGS / ALTER_CONFIGS on the topic or the
// group, or on the cluster for BROKER and BROKER_LOGGER resources).
import { RESOURCE_TYPES } from '../../config/index.js';
import { ErrorCodes, KafkaError } from '../../errors/kafka-error.js';
import type { BrokerServices } from '../broker-services.js';
import type { RequestContext } from '../handler.js';
import { NO_ERROR, errorFields, type ErrorFields } from './error-fields.js';
import { authorizeCluster, authorizeGroup, authorizeTopic } from '../access.js';

const TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(RESOURCE_TYPES).map(([name, id]) => [id, name]),
);

/** The resource type's name (TOPIC, BROKER, ...), or undefined for an id Kafka does not know. */
export function resourceTypeName(resourceType: number): string | undefined {
  return resourceType === RESOURCE_TYPES.UNKNOWN ? undefined : TYPE_NAMES.get(resourceType);
}

/** Kafka parses a broker resource name with Integer.parseInt. */
export function brokerIdOf(resourceName: string): number {
  const id = /^[+-]?\d+$/.test(resourceName) ? Number(resourceName) : NaN;
  if (!Number.isInteger(id) || id > 2147483647 || id < -2147483648) {
    throw new KafkaError(
      'INVALID_REQUEST',
      `Broker id must be an integer, but it is: ${resourceName}`,
    );
  }
  return id;
}

/** CLIENT_METRICS and GROUP resources: Kafka has them, Samsa does not yet. */
export function resourceTypeUnsupported(resourceType: number): KafkaError {
  const name = resourceTypeName(resourceType) ?? String(resourceType);
  return new KafkaError('INVALID_REQUEST', `${name} config resources are not supported yet`);
}

/** Kafka's answer to a resource type it does not know, in the alter APIs. */
export function unknownResourceType(resourceType: number): KafkaError {
  return new KafkaError('INVALID_REQUEST', `Unknown resource type ${resourceType}`);
}

/** Throws TOPIC_ / CLUSTER_AUTHORIZATION_FAILED unless the principal may `operation` the resource. */
export function authorizeConfigResource(
  ctx: RequestContext<BrokerServices>,
  operation: number,
  resource: Resource,
): void {
  if (resource.resourceType === RESOURCE_TYPES.TOPIC) {
    if (!authorizeTopic(ctx, operation, resource.resourceName))
      throw new KafkaError('TOPIC_AUTHORIZATION_FAILED');
  } else if (resource.resourceType === RESOURCE_TYPES.GROUP) {
    if (!authorizeGroup(ctx, operation, resource.resourceName))
      throw new KafkaError('GROUP_AUTHORIZATION_FAILED');
  } else if (
    resource.resourceType === RESOURCE_TYPES.BROKER ||
    resource.resourceType === RESOURCE_TYPES.BROKER_LOGGER
  ) {
    if (!authorizeCluster(ctx, operation)) throw new KafkaError('CLUSTER_AUTHORIZATION_FAILED');
  }
}

interface Resource {
  resourceType: number;
  resourceName: string;
}

export interface ResourceResult extends ErrorFields {
  resourceType: number;
  resourceName: string;
}

/**
 * Runs `alter` on each resource the principal may `operation` (ALTER_CONFIGS), in request order,
 * and collects one result per resource. A
 * resource (type and name) named more than once fails every occurrence with INVALID_REQUEST and
 * is not altered, as in Kafka.
 */
export async function alterEachResource<R extends Resource>(
  ctx: RequestContext<BrokerServices>,
  operation: number,
  resources: readonly R[],
  alter: (resource: R) => Promise<void>,
): Promise<ResourceResult[]> {
  const key = (r: Resource): string => `${r.resourceType}:${r.resourceName}`;
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  const results: ResourceResult[] = [];
  for (const resource of resources) {
    const { resourceType, resourceName } = resource;
    let fields: ErrorFields = NO_ERROR;
    if (counts.get(key(resource))! > 1) {
      fields = {
        errorCode: ErrorCodes.INVALID_REQUEST.code,
        errorMessage: 'Each resource must appear at most once.',
      };
    } else {
      try {
        authorizeConfigResource(ctx, operation, resource);
        await alter(resource);
      } catch (err) {
        const label = `${resourceTypeName(resourceType) ?? resourceType} resource "${resourceName}"`;
        fields = errorFields(ctx, err, label);
      }
    }
    results.push({ resourceType, resourceName, ...fields });
  }
  return results;
}
