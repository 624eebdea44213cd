// One request frame (the bytes after the int32 size prefix): header, then body. The header version
// follows from the API and version in its first four bytes (requestHeaderVersion); ClientId is a
// non-compact nullable string in every header version, even v2.
import type { ApiDefinition } from '../../../src/protocol/api.js';
import { requestHeaderVersion } from '../../../src/protocol/api.js';
import { ApisByKey, Messages } from '../../../src/protocol/generated/index.js';
import type { RequestHeader } from '../../../src/protocol/generated/message/request-header.js';
import { Reader, Writer } from '../../../src/protocol/primitives/index.js';

export interface FrameHeader {
  api: ApiDefinition;
  headerVersion: number;
  header: RequestHeader;
  /** Offset of the body within the frame. */
  bodyOffset: number;
}

export interface DecodedRequest<Body = unknown> extends FrameHeader {
  body: Body;
  /** Bytes the body decoder left unread (0 for a well-formed frame). */
  trailingBytes: number;
}

/** Kafka's API name as used in fixture file names: "ApiVersions" becomes "api-versions". */
export function kebabApiName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** API key and version from the first four bytes; null when the frame is shorter. */
export function peekApiKeyAndVersion(frame: Buffer): { apiKey: number; apiVersion: number } | null {
  if (frame.length < 4) return null;
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2) };
}

/** Decodes only the header: enough to answer, or refuse, any request. */
export function decodeFrameHeader(frame: Buffer): FrameHeader {
  const peek = peekApiKeyAndVersion(frame);
  if (peek === null) throw new Error(`Request frame of ${frame.length} bytes has no header`);
  const api = ApisByKey.get(peek.apiKey);
  if (api === undefined) throw new Error(`Request frame has unknown API key ${peek.apiKey}`);
  const headerVersion = requestHeaderVersion(api, peek.apiVersion);
  const r = new Reader(frame);
  const header = Messages.RequestHeader.decode(r, headerVersion);
  return { api, headerVersion, header, bodyOffset: r.offset };
}

/** Decodes header and body at the version the header names. */
export function decodeRequestFrame<Body = unknown>(frame: Buffer): DecodedRequest<Body> {
  const head = decodeFrameHeader(frame);
  const r = new Reader(frame, head.bodyOffset);
  const body = head.api.request.decode(r, head.header.requestApiVersion) as Body;
  return { ...head, body, trailingBytes: r.remaining };
}

/** Encodes a decoded frame again: header at its header version, body at its API version. */
export function encodeRequestFrame(decoded: DecodedRequest): Buffer {
  const w = new Writer();
  Messages.RequestHeader.encode(w, decoded.headerVersion, decoded.header);
  decoded.api.request.encode(w, decoded.header.requestApiVersion, decoded.body);
  return w.toBuffer();
}
