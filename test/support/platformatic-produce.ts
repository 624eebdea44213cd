// Sends TestRecords with @platformatic/kafka 1.x's Producer (Produce v11, flexible), raw bytes in
// and out (no serializers). Headers go as a Map keyed by distinct Buffers, so a repeated header
// key stays repeated; a null header value or value is written as length -1.
import {
  ProduceAcks,
  Producer,
  type CompressionAlgorithmValue,
  type MessageToProduce,
  type ProduceResult,
} from '@platformatic/kafka';
import type { TestRecord } from './interop-records.js';
import {
  PLATFORMATIC_TIMEOUT_MS,
  platformaticConnection,
  withTimeout,
} from './platformatic-fetch.js';

export type PlatformaticMessage = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

export function platformaticMessage(
  topic: string,
  r: TestRecord,
  partition?: number,
): PlatformaticMessage {
  // The client writes null as length -1; its types only admit Buffers.
  const headers = new Map<Buffer, Buffer>(
    r.headers.map(([k, v]) => [Buffer.from(k, 'utf8'), v as Buffer]),
  );
  return {
    topic,
    key: r.key ?? undefined,
    value: r.value as Buffer,
    headers,
    ...(r.timestamp === undefined ? {} : { timestamp: BigInt(r.timestamp) }),
    ...(partition === undefined ? {} : { partition }),
  };
}

export async function platformaticProduce(
  bootstrap: string,
  messages: PlatformaticMessage[],
  options: {
    compression?: CompressionAlgorithmValue;
    partitioner?: (message: PlatformaticMessage) => number;
  } = {},
): Promise<ProduceResult> {
  const producer = new Producer<Buffer, Buffer, Buffer, Buffer>({
    ...platformaticConnection(bootstrap),
    autocreateTopics: true,
    ...(options.partitioner === undefined ? {} : { partitioner: options.partitioner }),
  });
  try {
    return await withTimeout(
      '@platformatic/kafka producing',
      PLATFORMATIC_TIMEOUT_MS,
      producer.send({
        messages,
        compression: options.compression ?? 'none',
        acks: ProduceAcks.ALL,
      }),
    );
  } finally {
    await producer.close(true);
  }
}
