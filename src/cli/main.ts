// The samsa command. Subcommands arrive with their issues (server, topics, produce, consume, …);
// today it reports its version and the Kafka APIs and versions its protocol layer speaks.
import { readFileSync } from 'node:fs';
import { Apis } from '../protocol/generated/index.js';
import { serverCommand } from './server-command.js';

const USAGE = `Usage: samsa <command>

Commands:
  server       Start a broker (samsa server --help for its options)
  protocol     List the Kafka APIs Samsa's codecs encode and decode, with their versions
  --version    Print the Samsa version
  --help       Print this help

Examples:
  samsa server
  samsa protocol
  samsa protocol --output json`;

function version(): string {
  const pkg = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as {
    version: string;
  };
  return pkg.version;
}

function protocol(args: string[]): void {
  const rows = Object.values(Apis)
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((api) => ({
      apiKey: api.apiKey,
      name: api.name,
      minVersion: api.minVersion,
      maxVersion: api.maxVersion,
      flexibleFrom: api.flexibleMinVersion,
    }));
  if (args.includes('--output') && args[args.indexOf('--output') + 1] === 'json') {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  for (const r of rows) {
    const flex = r.flexibleFrom === null ? 'none' : `${r.flexibleFrom}+`;
    console.log(
      `${String(r.apiKey).padStart(3)}  ${r.name.padEnd(34)} ${r.minVersion}-${r.maxVersion}  flexible: ${flex}`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    case '--version':
      console.log(version());
      return 0;
    case 'protocol':
      protocol(rest);
      return 0;
    case 'server':
      return serverCommand(rest);
    default:
      console.error(`samsa: unknown command "${command}". Run "samsa --help" for the list.`);
      return 1;
  }
}

function explain(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`samsa: ${explain(err)}`);
    if (process.argv.includes('--verbose')) console.error(err);
    process.exitCode = 1;
  },
);
