// What a request handler is: one Kafka API, the versions Samsa serves of it, and a function from
// the decoded request to the response. Handlers are thin: they translate to and from the domain
// services in BrokerServices and hold no rules of their own.
import type { ApiDefinition } from '../protocol/api.js';
import type { Session } from '../security/authorizer.js';

export interface RequestContext<Services> {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** "host:port" of the client, for logs. */
  readonly clientAddress: string;
  /** The principal and client host that ACLs are checked against. */
  readonly session: Session;
  /** Aborted when the connection closes, so long polls stop waiting. */
  readonly signal: AbortSignal;
  readonly services: Services;
}

export interface Handler<Services, Req = unknown, Res = unknown> {
  readonly api: ApiDefinition<Req, Res>;
  /** The versions served; ApiVersions advertises exactly these. */
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The response, or null when the protocol sends none (Produce with acks=0). */
  handle(ctx: RequestContext<Services>, request: Req): Promise<Res | null> | Res | null;
}

/** Declares a handler with its request and response types checked against the API's codecs. */
export function defineHandler<Services, Req, Res>(
  handler: Handler<Services, Req, Res>,
): Handler<Services, Req, Res> {
  if (handler.minVersion < handler.api.minVersion || handler.maxVersion > handler.api.maxVersion) {
    throw new Error(
      `${handler.api.name} handler serves v${handler.minVersion}-${handler.maxVersion}, outside the spec's v${handler.api.minVersion}-${handler.api.maxVersion}`,
    );
  }
  return handler;
}
