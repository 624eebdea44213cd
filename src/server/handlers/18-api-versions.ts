// ApiVersions (key 18), v0-4. Answers with exactly the APIs and versions the handler registry
// serves. An unknown (newer) version never reaches here: the dispatcher answers it with error 35
// in the v0 layout (KIP-511). v3+ requests carry the client's software name and version, which
// Kafka validates (INVALID_REQUEST when they contain characters outside [a-zA-Z0-9.-]).
import { ErrorCodes } from '../../errors/kafka-error.js';
import { Apis } from '../../protocol/generated/index.js';
import { defineHandler } from '../handler.js';
import type { AdvertisedApi } from '../handler-registry.js';

export interface ApiVersionsServices {
  advertisedApis(): readonly AdvertisedApi[];
}

const SOFTWARE_TEXT = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const apiVersionsHandler = defineHandler({
  api: Apis.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: { apiVersion: number; services: ApiVersionsServices }, request) {
    const response = {
      ...Apis.ApiVersions.response.create(),
      apiKeys: ctx.services.advertisedApis().map((a) => ({ ...a })),
    };
    const invalidSoftware =
      ctx.apiVersion >= 3 &&
      (!SOFTWARE_TEXT.test(request.clientSoftwareName) ||
        !SOFTWARE_TEXT.test(request.clientSoftwareVersion));
    if (invalidSoftware) response.errorCode = ErrorCodes.INVALID_REQUEST.code;
    return response;
  },
});
