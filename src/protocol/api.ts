// The shape of one Kafka API as the generated table describes it: versions and codecs.
import type { Reader } from './primitives/reader.js';
import type { Writer } from './primitives/writer.js';

export interface VersionSpan {
  min: number;
  max: number;
}

export interface MessageCodec<T> {
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** The first flexible version, or null when no version is flexible. */
  readonly flexibleMinVersion: number | null;
  decode(r: Reader, version: number): T;
  encode(w: Writer, version: number, message: T): void;
  create(): T;
}

export interface ApiDefinition<Req = unknown, Res = unknown> {
  readonly apiKey: number;
  /** Kafka's name for the API, e.g. "Produce". */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly flexibleMinVersion: number | null;
  readonly deprecatedVersions: VersionSpan | null;
  /** Which server roles accept it: "broker", "controller", "zkBroker". */
  readonly listeners: readonly string[];
  readonly latestVersionUnstable: boolean;
  readonly request: MessageCodec<Req>;
  readonly response: MessageCodec<Res>;
}

export function isFlexible(
  api: Pick<ApiDefinition, 'flexibleMinVersion'>,
  version: number,
): boolean {
  return api.flexibleMinVersion !== null && version >= api.flexibleMinVersion;
}

/** Request header v2 for flexible versions, else v1; ControlledShutdown v0 alone used v0. */
export function requestHeaderVersion(api: ApiDefinition, version: number): number {
  if (api.apiKey === 7 && version === 0) return 0;
  return isFlexible(api, version) ? 2 : 1;
}

/**
 * Response header v1 for flexible versions, else v0 — except ApiVersions (key 18), whose response
 * always uses v0 so a client can read it before it knows what the broker supports.
 */
export function responseHeaderVersion(api: ApiDefinition, version: number): number {
  if (api.apiKey === 18) return 0;
  return isFlexible(api, version) ? 1 : 0;
}
