export {
  CompressionType,
  compressionName,
  isCompressionType,
  toCompressionType,
  type CompressionName,
} from './compression-type.js';
export { compress, decompress, type CompressOptions } from './codec.js';
export { zstdBackendName, ZSTD_DEFAULT_LEVEL } from './zstd.js';
