// A thrown error as the { errorCode, errorMessage } pair of a per-resource result. A KafkaError
// travels as its own code and message. Anything else is unexpected here: it is logged with its
// cause and answered with toErrorCode's code (UNKNOWN_SERVER_ERROR unless a Samsa error maps to a
// Kafka one) and that code's generic message, so internals never leak to clients.
import { ErrorCodes, KafkaError, errorByCode, toErrorCode } from '../../errors/kafka-error.js';
import type { BrokerServices } from '../broker-services.js';
import type { RequestContext } from '../handler.js';

export interface ErrorFields {
  errorCode: number;
  errorMessage: string | null;
}

export const NO_ERROR: Readonly<ErrorFields> = { errorCode: 0, errorMessage: null };

/**
 * The error fields for `err`, thrown while handling `resource` (named in the log line). Unexpected
 * errors go to the broker's logger, or to the console when the services carry none.
 */
export function errorFields(
  ctx: Pick<RequestContext<BrokerServices>, 'apiKey' | 'apiVersion' | 'clientAddress' | 'services'>,
  err: unknown,
  resource: string,
): ErrorFields {
  if (err instanceof KafkaError) return { errorCode: err.errorCode, errorMessage: err.message };
  const errorCode = toErrorCode(err);
  const details = {
    err,
    apiKey: ctx.apiKey,
    apiVersion: ctx.apiVersion,
    client: ctx.clientAddress,
    resource,
  };
  const message = `Unexpected error handling ${resource}`;
  if (ctx.services.log !== undefined) ctx.services.log.error(details, message);
  else console.error(message, details);
  const generic = errorByCode(errorCode)?.message ?? ErrorCodes.UNKNOWN_SERVER_ERROR.message;
  return { errorCode, errorMessage: generic };
}
