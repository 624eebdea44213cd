// Errors of the CLI's Kafka client. Failures of the client itself (a broker it cannot reach, a
// connection that closes, a request that times out, an API the broker lacks) are ClientErrors
// with a stable code; an error code in a broker's response becomes src/errors' KafkaError, named
// as Kafka names it. Messages are one line and name the broker address they concern.
import { KafkaError, errorByCode } from '../../errors/kafka-error.js';

export const ClientErrorCodes = {
  SAMSA_ERR_BROKER_UNREACHABLE: 'No connection could be made to the broker address',
  SAMSA_ERR_CONNECTION_CLOSED: 'The connection closed before the response arrived',
  SAMSA_ERR_REQUEST_TIMEOUT: 'The broker did not answer within the request timeout',
  SAMSA_ERR_UNSUPPORTED_API:
    'The broker does not serve a version of the API that the client speaks',
  SAMSA_ERR_BAD_RESPONSE: 'A response could not be decoded or does not match its request',
  SAMSA_ERR_BAD_BOOTSTRAP: 'A --bootstrap-server entry is not host:port',
  SAMSA_ERR_NO_BROKER: 'The cluster metadata names no broker for the request',
  SAMSA_ERR_CLIENT_CONFIG: 'A producer or consumer property has a value the client cannot use',
  SAMSA_ERR_CLIENT_CLOSED: 'A producer or consumer was used after it was closed',
} as const;

export type ClientErrorCode = keyof typeof ClientErrorCodes;

export class ClientError extends Error {
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
  }
}

/** A KafkaError for a nonzero error code in a response, with the broker's message when it sent one. */
export function kafkaErrorFor(errorCode: number, message?: string | null): KafkaError {
  const info = errorByCode(errorCode);
  if (info === undefined) {
    return new KafkaError(
      'UNKNOWN_SERVER_ERROR',
      `Unknown error code ${errorCode}${message ? `: ${message}` : ''}`,
    );
  }
  return new KafkaError(info.name, message || (info.message ?? info.name));
}

/** Throws kafkaErrorFor(errorCode, message) unless errorCode is 0 (NONE). */
export function throwIfError(errorCode: number, message?: string | null): void {
  if (errorCode !== 0) throw kafkaErrorFor(errorCode, message);
}

/** Whether a metadata-dependent call should look up the coordinator or leader again and retry. */
export function isStaleRoutingError(err: unknown): boolean {
  return (
    err instanceof KafkaError &&
    (err.errorName === 'NOT_COORDINATOR' ||
      err.errorName === 'COORDINATOR_NOT_AVAILABLE' ||
      err.errorName === 'COORDINATOR_LOAD_IN_PROGRESS' ||
      err.errorName === 'NOT_LEADER_OR_FOLLOWER' ||
      err.errorName === 'LEADER_NOT_AVAILABLE' ||
      err.errorName === 'NOT_CONTROLLER')
  );
}
