// samsa server: kafka-server-start.sh's habits. A config file (positional, or --config) plus any
// number of --override key=value; with neither, a single-node broker on 127.0.0.1:9092 keeping its
// data in ./samsa-data. SIGTERM and SIGINT shut down gracefully and exit 0.
import { resolve } from 'node:path';
import { pino } from 'pino';
import { loadBrokerConfig } from '../config/index.js';
import { Broker } from '../server/broker.js';

export const SERVER_USAGE = `Usage: samsa server [server.properties] [--override key=value]...

Starts a Samsa broker. With no arguments it listens on 127.0.0.1:9092 and keeps
its data in ./samsa-data. Config keys are Apache Kafka's broker configs.

Options:
  --config FILE            Read broker configs from a server.properties-style file
  --override key=value     Set a broker config (repeatable; later ones win)
  -h, --help               Show this help

Examples:
  samsa server
  samsa server config/server.properties
  samsa server --override listeners=PLAINTEXT://127.0.0.1:19092 --override log.dirs=/var/lib/samsa`;

export interface ServerArgs {
  file: string | undefined;
  overrides: string[];
}

export function parseServerArgs(args: readonly string[]): ServerArgs | 'help' {
  let file: string | undefined;
  const overrides: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--override' || arg === '--config') {
      const value = args[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--override') overrides.push(value);
      else file = value;
    } else if (arg.startsWith('--override=')) {
      overrides.push(arg.slice('--override='.length));
    } else if (arg.startsWith('-')) {
      throw new Error(`Unknown option ${arg}. Run "samsa server --help" for the options.`);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new Error(`Unexpected argument ${arg}: only one config file may be given`);
    }
  }
  return { file, overrides };
}

export async function serverCommand(args: readonly string[]): Promise<number> {
  const parsed = parseServerArgs(args);
  if (parsed === 'help') {
    console.log(SERVER_USAGE);
    return 0;
  }
  const config = loadBrokerConfig({ file: parsed.file, overrides: parsed.overrides });
  const logger = pino(
    { name: 'samsa', level: process.env.SAMSA_LOG_LEVEL ?? 'info' },
    pino.destination(2),
  );
  const broker = new Broker({ config, logger });
  // Signal handlers go in before the banner: a supervisor may signal as soon as it reads it.
  const stopped = new Promise<void>((done) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
      done();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await broker.start();
  const listeners = broker.listeners
    .map((l) => `${l.name}://${l.host || '0.0.0.0'}:${l.boundPort}`)
    .join(', ');
  const dirs = config.logDirs.map((d) => resolve(d)).join(', ');
  console.log(
    `Samsa broker ${config.nodeId} started: cluster ${broker.clusterId}, listeners ${listeners}, data ${dirs}`,
  );
  await stopped;
  await broker.stop();
  console.log('Samsa broker stopped');
  return 0;
}
