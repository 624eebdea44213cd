// The handlers a broker serves, by API key. It is the single source of the ApiVersions answer:
// an API is advertised exactly when a handler serves it, with exactly the handler's versions.
import type { Handler } from './handler.js';

export interface AdvertisedApi {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export class HandlerRegistry<Services> {
  readonly #byKey = new Map<number, Handler<Services>>();

  constructor(handlers: readonly Handler<Services, unknown, unknown>[]) {
    for (const handler of handlers) {
      const key = handler.api.apiKey;
      if (this.#byKey.has(key))
        throw new Error(`Two handlers for ${handler.api.name} (key ${key})`);
      this.#byKey.set(key, handler);
    }
  }

  get(apiKey: number): Handler<Services> | undefined {
    return this.#byKey.get(apiKey);
  }

  /** The ApiVersions list, ordered by key. */
  advertised(): AdvertisedApi[] {
    return [...this.#byKey.values()]
      .map((h) => ({ apiKey: h.api.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
