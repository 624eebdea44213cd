// Turns one request frame into one response frame: parse the header, find the handler, decode the
// body, run the handler, encode header and body behind a size prefix. Requests that cannot be
// parsed (unknown API key, a version Samsa does not serve, a malformed header or body) are
// refused with SAMSA_ERR_INVALID_REQUEST, and the connection closes, as Kafka does — except an
// ApiVersions request of an unknown version, which gets error 35 in the v0 layout (KIP-511) so
// the client can retry with a version it finds there.
import { SamsaError } from '../errors/samsa-error.js';
import { ErrorCodes } from '../errors/kafka-error.js';
import {
  requestHeaderVersion,
  responseHeaderVersion,
  type ApiDefinition,
} from '../protocol/api.js';
import { Apis, ApisByKey, Messages } from '../protocol/generated/index.js';
import { Reader, Writer } from '../protocol/primitives/index.js';
import type { Handler, RequestContext } from './handler.js';
import type { HandlerRegistry } from './handler-registry.js';
import type { Session } from '../security/authorizer.js';

export interface ConnectionInfo {
  clientAddress: string;
  session: Session;
  signal: AbortSignal;
}

function invalidRequest(message: string, cause?: unknown): SamsaError {
  return new SamsaError('SAMSA_ERR_INVALID_REQUEST', message, { cause });
}

/** The frame's bytes (size prefix included) ready for a vectored write, or null for no response. */
export type ResponseFrame = Buffer[] | null;

export class RequestDispatcher<Services> {
  readonly #registry: HandlerRegistry<Services>;
  readonly #services: Services;

  constructor(registry: HandlerRegistry<Services>, services: Services) {
    this.#registry = registry;
    this.#services = services;
  }

  async dispatch(frame: Buffer, connection: ConnectionInfo): Promise<ResponseFrame> {
    if (frame.length < 8)
      throw invalidRequest(`Request frame of ${frame.length} bytes is too short for a header`);
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const api = ApisByKey.get(apiKey);
    if (api === undefined) throw invalidRequest(`Unknown API key ${apiKey}`);
    const handler = this.#registry.get(apiKey);
    if (handler === undefined)
      throw invalidRequest(`API ${api.name} (key ${apiKey}) is not served`);

    const reader = new Reader(frame);
    const header = decodeHeader(reader, api, apiVersion);
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      if (apiKey === Apis.ApiVersions.apiKey)
        return unsupportedApiVersions(header.correlationId, handler);
      throw invalidRequest(
        `${api.name} v${apiVersion} is not served: versions ${handler.minVersion} to ${handler.maxVersion} are`,
      );
    }
    let request: unknown;
    try {
      request = api.request.decode(reader, apiVersion);
    } catch (err) {
      throw invalidRequest(
        `Cannot parse ${api.name} v${apiVersion} request: ${(err as Error).message}`,
        err,
      );
    }
    const ctx: RequestContext<Services> = {
      apiKey,
      apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      clientAddress: connection.clientAddress,
      session: connection.session,
      signal: connection.signal,
      services: this.#services,
    };
    const response = await handler.handle(ctx, request);
    if (response === null) return null;
    return encodeResponse(api, apiVersion, header.correlationId, response);
  }
}

function decodeHeader(reader: Reader, api: ApiDefinition, apiVersion: number) {
  try {
    // An ApiVersions request of a version newer than the spec still has a parseable header.
    const version = Math.min(apiVersion, api.maxVersion);
    return Messages.RequestHeader.decode(
      reader,
      requestHeaderVersion(api, Math.max(version, api.minVersion)),
    );
  } catch (err) {
    throw invalidRequest(
      `Cannot parse the ${api.name} request header: ${(err as Error).message}`,
      err,
    );
  }
}

export function encodeResponse(
  api: ApiDefinition,
  apiVersion: number,
  correlationId: number,
  body: unknown,
): Buffer[] {
  const w = new Writer(256);
  const size = w.reserveInt32();
  Messages.ResponseHeader.encode(w, responseHeaderVersion(api, apiVersion), { correlationId });
  api.response.encode(w, apiVersion, body);
  w.patchInt32(size, w.length - 4);
  return w.toChunks();
}

function unsupportedApiVersions<Services>(
  correlationId: number,
  handler: Handler<Services>,
): Buffer[] {
  const body = {
    ...Apis.ApiVersions.response.create(),
    errorCode: ErrorCodes.UNSUPPORTED_VERSION.code,
    apiKeys: [
      {
        apiKey: Apis.ApiVersions.apiKey,
        minVersion: handler.minVersion,
        maxVersion: handler.maxVersion,
      },
    ],
  };
  return encodeResponse(Apis.ApiVersions, 0, correlationId, body);
}
