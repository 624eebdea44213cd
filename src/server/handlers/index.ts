// Every API this broker serves. Adding a handler here is what makes ApiVersions advertise it.
import type { Handler } from '../handler.js';
import type { BrokerServices } from '../broker-services.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';

export const HANDLERS: readonly Handler<BrokerServices, unknown, unknown>[] = [
  metadataHandler,
  apiVersionsHandler,
];
