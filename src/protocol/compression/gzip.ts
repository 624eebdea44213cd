// gzip (codec 1) through node:zlib. zlib's maxOutputLength stops inflation as soon as the output
// passes the budget, so a small bomb costs at most the budget plus one zlib chunk.
import { gunzipSync, gzipSync } from 'node:zlib';
import { corrupt, tooLarge } from './limits.js';

export function gzipCompress(data: Buffer, level?: number): Buffer {
  return level === undefined ? gzipSync(data) : gzipSync(data, { level });
}

export function gzipDecompress(data: Buffer, maxOutputBytes: number): Buffer {
  let out: Buffer;
  try {
    // zlib rejects a limit of 0; an empty output still passes the check below.
    out = gunzipSync(data, { maxOutputLength: Math.max(1, maxOutputBytes) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge('gzip', maxOutputBytes, 'the stream inflates past the limit');
    }
    throw corrupt('gzip', (err as Error).message, err);
  }
  if (out.length > maxOutputBytes)
    throw tooLarge('gzip', maxOutputBytes, `the stream inflates to ${out.length} bytes`);
  return out;
}
