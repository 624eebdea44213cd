// ProducerIdManager: hands out producer ids for InitProducerId (Kafka's ProducerIdManager on a
// broker). Ids come from blocks of PRODUCER_ID_BLOCK_SIZE reserved in the MetadataStore, which
// persists the reservation before returning it, as Kafka's controller does for AllocateProducerIds
// (KIP-730, the same block size of 1000). So an id is never given twice, even across restarts;
// the unused rest of a block is skipped after a restart, exactly as in Kafka. The first block
// starts at 0, as Kafka's does.
//
// Concurrent callers that find the block used up share one reservation.
import type { MetadataStore } from '../metadata/metadata-store.js';

export const PRODUCER_ID_BLOCK_SIZE = 1000;

export class ProducerIdManager {
  readonly #store: Pick<MetadataStore, 'allocateProducerIdBlock'>;
  readonly #blockSize: number;
  #next = 0n;
  /** Exclusive end of the current block; equal to #next when none is held. */
  #end = 0n;
  #refilling: Promise<void> | null = null;

  constructor(
    store: Pick<MetadataStore, 'allocateProducerIdBlock'>,
    blockSize = PRODUCER_ID_BLOCK_SIZE,
  ) {
    this.#store = store;
    this.#blockSize = blockSize;
  }

  /** A producer id no one has had before. Rejects when the block cannot be reserved. */
  async generateProducerId(): Promise<bigint> {
    while (this.#next >= this.#end) {
      this.#refilling ??= this.#refill().finally(() => {
        this.#refilling = null;
      });
      await this.#refilling;
    }
    return this.#next++;
  }

  async #refill(): Promise<void> {
    const first = await this.#store.allocateProducerIdBlock(this.#blockSize);
    this.#next = first;
    this.#end = first + BigInt(this.#blockSize);
  }
}
