// Runtime helpers the generated codecs call: version and null errors, tagged-field encoding.
// Kept apart from the generated files so their behaviour is written (and reviewed) once.
import { SamsaError } from '../errors/samsa-error.js';
import type { TaggedField } from './primitives/reader.js';
import { Writer } from './primitives/writer.js';

export const EMPTY_BYTES: Buffer = Buffer.alloc(0);
export const NO_TAGGED_FIELDS: readonly TaggedField[] = Object.freeze([]);

export function unsupportedVersion(
  message: string,
  version: number,
  min: number,
  max: number,
): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_UNSUPPORTED_VERSION',
    `${message} version ${version} is not supported: valid versions are ${min} to ${max}`,
  );
}

export function fieldNotInVersion(field: string, version: number): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_ENCODE_FIELD_NOT_IN_VERSION',
    `Cannot encode ${field} at version ${version}: the field does not exist there and its value is not the default`,
  );
}

export function nullInVersion(field: string, version: number): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_DECODE_INVALID_VALUE',
    `Field ${field} is null, which version ${version} does not allow`,
  );
}

export function nullNotEncodable(field: string, version: number): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_ENCODE_INVALID_VALUE',
    `Cannot encode ${field} as null at version ${version}: that version does not allow null`,
  );
}

/** Encodes one tagged field's value on its own so its size can precede it. */
export function encodeTaggedField(tag: number, write: (w: Writer) => void): TaggedField {
  const w = new Writer(64);
  write(w);
  return { tag, data: w.toBuffer() };
}
