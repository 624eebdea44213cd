// samsa protocol: the Kafka APIs Samsa's codecs encode and decode, with their versions. Offline.
import { Apis } from '../../protocol/generated/index.js';
import { OUTPUT_FLAG, wantsJson, type Command } from '../command.js';

export const protocolCommand: Command = {
  name: 'protocol',
  summary: 'List the Kafka APIs Samsa’s codecs speak, with their versions',
  usage: ['samsa protocol [--output json]'],
  description:
    'Lists every Kafka API in the specs Samsa is generated from: key, name, versions, and the\nfirst flexible version. Reads no broker; samsa api-versions asks a broker what it serves.',
  flags: [OUTPUT_FLAG],
  examples: ['samsa protocol', 'samsa protocol --output json'],
  async run({ args, out }) {
    const rows = Object.values(Apis)
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((api) => ({
        apiKey: api.apiKey,
        name: api.name,
        minVersion: api.minVersion,
        maxVersion: api.maxVersion,
        flexibleFrom: api.flexibleMinVersion,
      }));
    if (wantsJson(args)) {
      out.json(rows);
      return 0;
    }
    out.table(
      rows.map((r) => [
        String(r.apiKey).padStart(3),
        r.name,
        `${r.minVersion}-${r.maxVersion}`,
        `flexible: ${r.flexibleFrom === null ? 'none' : `${r.flexibleFrom}+`}`,
      ]),
    );
    return 0;
  },
};
