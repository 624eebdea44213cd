// DescribeCluster (key 60), v0-1: cluster id, controller id and the brokers, with the cluster's
// authorized operations when asked.
// endpointType (v1+): 1 (brokers) lists this broker; 2 (controllers) lists it too, because a
// single Samsa node is its own controller and serves both roles on the same listener (Kafka's
// broker listener would answer MISMATCHED_ENDPOINT_TYPE and leave controllers to the controller
// listener). Any other type is UNSUPPORTED_ENDPOINT_TYPE, as in Kafka.
import { KafkaError } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import type {
  DescribeClusterRequest,
  DescribeClusterResponse,
} from '../../protocol/generated/api/describe-cluster.js';
import { defineHandler, type RequestContext } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  CLUSTER_OPERATIONS,
  authorizedOperations,
} from '../access.js';
import { ResourceType } from '../../metadata/acl-binding.js';

const BROKERS = 1;
const CONTROLLERS = 2;

export const describeClusterHandler = defineHandler({
  api: Apis.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(
    ctx: RequestContext<BrokerServices>,
    request: DescribeClusterRequest,
  ): DescribeClusterResponse {
    const response = Apis.DescribeCluster.response.create();
    const { endpointType } = request;
    if (endpointType !== BROKERS && endpointType !== CONTROLLERS) {
      const error = new KafkaError(
        'UNSUPPORTED_ENDPOINT_TYPE',
        `Unsupported endpoint type ${endpointType}`,
      );
      return { ...response, errorCode: error.errorCode, errorMessage: error.message };
    }
    const { metadata, config } = ctx.services;
    return {
      ...response,
      endpointType,
      clusterId: metadata.clusterId,
      controllerId: config.nodeId,
      brokers: ctx.services
        .brokers()
        .map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations
        ? authorizedOperations(ctx, ResourceType.CLUSTER, 'kafka-cluster', CLUSTER_OPERATIONS)
        : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
});
