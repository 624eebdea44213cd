// CRC-32C (Castagnoli), the checksum of magic-2 record batches, computed natively (SIMD where the
// CPU has it) by @node-rs/crc32. `initial` continues a running checksum over several chunks.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data, initial) >>> 0;
}
