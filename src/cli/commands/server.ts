// samsa server: kafka-server-start.sh's habits. A config file (positional, or --config) plus any
// number of --override key=value; with neither, a single-node broker on 127.0.0.1:9092 keeping its
// data in ./samsa-data. The banner names the node id, cluster id, listeners and data directories.
// SIGTERM and SIGINT shut down gracefully and exit 0.
import { resolve } from 'node:path';
import { pino } from 'pino';
import { loadBrokerConfig } from '../../config/index.js';
import { Broker } from '../../server/broker.js';
import { UsageError } from '../args.js';
import type { Command } from '../command.js';

export const serverCommand: Command = {
  name: 'server',
  summary: 'Start a broker',
  kafkaTool: 'kafka-server-start.sh',
  usage: ['samsa server [server.properties] [--override key=value]...'],
  description: [
    'Starts a Samsa broker. With no arguments it listens on 127.0.0.1:9092 and keeps its data in',
    './samsa-data. Config keys are Apache Kafka’s broker configs; an unknown key or invalid value',
    'stops the start with one line naming it. Logs are JSON lines on stderr (SAMSA_LOG_LEVEL=debug',
    'shows more); SIGTERM or SIGINT shuts down gracefully.',
  ].join('\n'),
  positionals: true,
  flags: [
    {
      name: 'config',
      kind: 'value',
      placeholder: 'FILE',
      help: 'Read broker configs from a server.properties-style file',
      complete: 'file',
    },
    {
      name: 'override',
      kind: 'list',
      placeholder: 'key=value',
      help: 'Set a broker config (repeatable; later ones win)',
    },
  ],
  examples: [
    'samsa server',
    'samsa server config/server.properties',
    'samsa server --override listeners=PLAINTEXT://127.0.0.1:19092 --override log.dirs=/var/lib/samsa',
  ],
  async run({ args, out }) {
    if (args.positionals.length > 1 || (args.positionals.length === 1 && args.has('config'))) {
      throw new UsageError('Only one config file may be given');
    }
    const file = args.value('config') ?? args.positionals[0];
    const config = loadBrokerConfig({ file, overrides: args.values('override') });
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
    try {
      await broker.start();
    } catch (err) {
      await broker.stop().catch(() => undefined);
      const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
      if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
        const why = e.code === 'EADDRINUSE' ? 'the address is already in use' : 'permission denied';
        throw new Error(
          `Cannot listen on ${e.address ?? ''}:${e.port ?? ''}: ${why} (check the listeners config)`,
          { cause: err },
        );
      }
      throw err;
    }
    const listeners = broker.listeners
      .map((l) => `${l.name}://${l.host || '0.0.0.0'}:${l.boundPort}`)
      .join(', ');
    const dirs = config.logDirs.map((d) => resolve(d)).join(', ');
    out.line(
      `Samsa broker ${config.nodeId} started: cluster ${broker.clusterId}, listeners ${listeners}, data ${dirs}`,
    );
    await stopped;
    await broker.stop();
    out.line('Samsa broker stopped');
    return 0;
  },
};
