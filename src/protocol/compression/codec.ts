// One entry point for every Kafka compression codec: compress(codec, data) and
// decompress(codec, data, maxOutputBytes). Decompression never returns, nor allocates for, more
// than maxOutputBytes: a bomb or a lying length is SAMSA_ERR_COMPRESSION_TOO_LARGE, damaged input
// SAMSA_ERR_COMPRESSION_CORRUPT, a codec id Kafka does not define SAMSA_ERR_COMPRESSION_UNSUPPORTED.
import { CompressionType, toCompressionType } from './compression-type.js';
import { gzipCompress, gzipDecompress } from './gzip.js';
import { checkBudget, tooLarge } from './limits.js';
import { lz4Compress, lz4Decompress } from './lz4.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

export interface CompressOptions {
  /** Codec level where the codec has one (gzip, zstd), as Kafka's `compression.<codec>.level`. */
  level?: number;
}

export function compress(codec: number, data: Buffer, options: CompressOptions = {}): Buffer {
  switch (toCompressionType(codec)) {
    case CompressionType.none:
      return data;
    case CompressionType.gzip:
      return gzipCompress(data, options.level);
    case CompressionType.snappy:
      return snappyCompress(data);
    case CompressionType.lz4:
      return lz4Compress(data);
    case CompressionType.zstd:
      return zstdCompress(data, options.level);
  }
}

export function decompress(codec: number, data: Buffer, maxOutputBytes: number): Buffer {
  const type = toCompressionType(codec);
  const budget = checkBudget(maxOutputBytes);
  switch (type) {
    case CompressionType.none:
      // Same contract for every codec: the output fits the budget.
      if (data.length > budget)
        throw tooLarge('none', budget, `the data holds ${data.length} bytes`);
      return data;
    case CompressionType.gzip:
      return gzipDecompress(data, budget);
    case CompressionType.snappy:
      return snappyDecompress(data, budget);
    case CompressionType.lz4:
      return lz4Decompress(data, budget);
    case CompressionType.zstd:
      return zstdDecompress(data, budget);
  }
}
