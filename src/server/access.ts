// Authorization at the request edge: what handlers ask before they act, Kafka's KafkaApis checks.
// Without an authorizer (authorizer.class.name empty, the default) everything is allowed and
// authorized-operation fields list every operation of the resource type.
import { AclOperation as Op, ResourceType } from '../metadata/acl-binding.js';
import type { BrokerServices } from './broker-services.js';
import type { RequestContext } from './handler.js';

/** Kafka's "authorized operations not requested" sentinel (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

/** The operations Kafka reports as authorized for each resource type. */
export const TOPIC_OPERATIONS = [
  Op.READ,
  Op.WRITE,
  Op.CREATE,
  Op.DELETE,
  Op.ALTER,
  Op.DESCRIBE,
  Op.DESCRIBE_CONFIGS,
  Op.ALTER_CONFIGS,
];
export const GROUP_OPERATIONS = [Op.READ, Op.DELETE, Op.DESCRIBE];
export const CLUSTER_OPERATIONS = [
  Op.CREATE,
  Op.ALTER,
  Op.DESCRIBE,
  Op.CLUSTER_ACTION,
  Op.DESCRIBE_CONFIGS,
  Op.ALTER_CONFIGS,
  Op.IDEMPOTENT_WRITE,
  Op.CREATE_TOKENS,
  Op.DESCRIBE_TOKENS,
];

type Ctx = RequestContext<BrokerServices>;

/** May this request's principal perform `operation` on the resource? */
export function authorize(
  ctx: Ctx,
  operation: number,
  resourceType: number,
  name: string,
): boolean {
  const { authorizer } = ctx.services;
  return authorizer === null || authorizer.authorize(ctx.session, operation, resourceType, name);
}

export const authorizeTopic = (ctx: Ctx, operation: number, topic: string): boolean =>
  authorize(ctx, operation, ResourceType.TOPIC, topic);
export const authorizeGroup = (ctx: Ctx, operation: number, groupId: string): boolean =>
  authorize(ctx, operation, ResourceType.GROUP, groupId);
export const authorizeCluster = (ctx: Ctx, operation: number): boolean =>
  authorize(ctx, operation, ResourceType.CLUSTER, 'kafka-cluster');
export const authorizeTransactionalId = (
  ctx: Ctx,
  operation: number,
  transactionalId: string,
): boolean => authorize(ctx, operation, ResourceType.TRANSACTIONAL_ID, transactionalId);

/** May the principal perform `operation` on at least one resource of the type? (Kafka's authorizeByResourceType) */
export function authorizeByResourceType(
  ctx: Ctx,
  operation: number,
  resourceType: number,
): boolean {
  const { authorizer } = ctx.services;
  return (
    authorizer === null || authorizer.authorizeByResourceType(ctx.session, operation, resourceType)
  );
}

/** Kafka's authorized-operations bit field for a resource: bit `op` set for each allowed one. */
export function authorizedOperations(
  ctx: Ctx,
  resourceType: number,
  name: string,
  operations: readonly number[],
): number {
  const { authorizer } = ctx.services;
  if (authorizer !== null)
    return authorizer.authorizedOperations(ctx.session, resourceType, name, operations);
  return operations.reduce((bits, op) => bits | (1 << op), 0);
}
