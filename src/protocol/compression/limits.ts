// Shared checks for the decompression budget and the errors every codec throws.
// A codec refuses output past `maxOutputBytes` before allocating it wherever the format declares a
// size up front, and otherwise stops its decoder at the budget; the whole output never exceeds it.
import { constants } from 'node:buffer';
import { SamsaError } from '../../errors/samsa-error.js';

export function checkBudget(maxOutputBytes: number): number {
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) {
    throw new RangeError(`Decompression budget ${maxOutputBytes} is not a non-negative integer`);
  }
  // No Buffer can be larger than this anyway; clamping keeps zlib's option validation happy.
  return Math.min(maxOutputBytes, constants.MAX_LENGTH);
}

export function tooLarge(codec: string, maxOutputBytes: number, detail: string): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_COMPRESSION_TOO_LARGE',
    `Cannot decompress ${codec} data within ${maxOutputBytes} bytes: ${detail}`,
  );
}

export function corrupt(codec: string, detail: string, cause?: unknown): SamsaError {
  return new SamsaError(
    'SAMSA_ERR_COMPRESSION_CORRUPT',
    `Cannot decompress ${codec} data: ${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Joins decoded parts; a single part is returned as it is. */
export function joinParts(parts: Buffer[], total: number): Buffer {
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts, total);
}
