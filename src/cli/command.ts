// What every samsa subcommand is: its flags (which drive parsing, --help and shell completion),
// its help text with real examples, and run(). Also the pieces client commands share: the
// connection flags, --output, and connecting with --bootstrap-server / --command-config.
import { readFileSync } from 'node:fs';
import { parseProperties } from '../config/index.js';
import { UsageError, type FlagSpec, type ParsedArgs } from './args.js';
import { DEFAULT_BOOTSTRAP, KafkaClient, type ClientOptions } from './client/index.js';
import type { Output } from './output.js';
import { samsaVersion } from './version.js';

export interface CommandContext {
  args: ParsedArgs;
  out: Output;
}

export interface Command {
  name: string;
  /** One line for `samsa --help`. */
  summary: string;
  /** The Kafka tool it stands for, when there is one. */
  kafkaTool?: string;
  /** Usage lines after "Usage: ". */
  usage: readonly string[];
  /** A paragraph under the usage. */
  description: string;
  flags: readonly FlagSpec[];
  /** Example command lines, each optionally followed by "  # what it does". */
  examples: readonly string[];
  positionals?: boolean;
  /** Subcommand words completed after the command name (completion bash|zsh). */
  words?: readonly string[];
  run(ctx: CommandContext): Promise<number>;
}

export const HELP_FLAGS: readonly FlagSpec[] = [
  { name: 'help', kind: 'boolean', help: 'Show this help' },
  { name: 'verbose', kind: 'boolean', help: 'On failure, print the stack trace too' },
];

export const CONNECTION_FLAGS: readonly FlagSpec[] = [
  {
    name: 'bootstrap-server',
    kind: 'value',
    placeholder: 'HOST:PORT[,...]',
    help: `The broker(s) to connect to (default ${DEFAULT_BOOTSTRAP})`,
  },
  {
    name: 'command-config',
    kind: 'value',
    placeholder: 'FILE',
    help: 'Client properties file (client.id, request.timeout.ms, …)',
    complete: 'file',
  },
];

export const OUTPUT_FLAG: FlagSpec = {
  name: 'output',
  kind: 'value',
  placeholder: 'text|json',
  help: 'Output format: text (Kafka’s layout, the default) or json',
  complete: ['text', 'json'],
};

/** --output json? (anything but text or json is a usage error) */
export function wantsJson(args: ParsedArgs): boolean {
  const format = args.value('output') ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`--output must be text or json, but got "${format}"`);
  }
  return format === 'json';
}

/** Client properties Samsa's CLI understands; others in a --command-config file are ignored. */
const CLIENT_PROPERTIES = new Set([
  'bootstrap.servers',
  'client.id',
  'request.timeout.ms',
  'default.api.timeout.ms',
  'socket.connection.setup.timeout.ms',
  'security.protocol',
]);

function readCommandConfig(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `Cannot read --command-config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const props = new Map<string, string>();
  for (const entry of parseProperties(text, file)) {
    if (CLIENT_PROPERTIES.has(entry.key)) props.set(entry.key, entry.value.trim());
  }
  const protocol = props.get('security.protocol');
  if (protocol !== undefined && protocol.toUpperCase() !== 'PLAINTEXT') {
    throw new UsageError(
      `security.protocol=${protocol} in ${file} is not supported yet: Samsa's CLI speaks PLAINTEXT only`,
    );
  }
  return props;
}

function msProperty(props: Map<string, string>, key: string): number | undefined {
  const text = props.get(key);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`Invalid value ${text} for client property ${key}: expected milliseconds`);
  }
  return n;
}

/** Client options from --bootstrap-server and --command-config. */
export function clientOptions(args: ParsedArgs): ClientOptions {
  const file = args.value('command-config');
  const props = file === undefined ? new Map<string, string>() : readCommandConfig(file);
  const requestTimeoutMs = msProperty(props, 'request.timeout.ms');
  const apiTimeoutMs = msProperty(props, 'default.api.timeout.ms');
  const connectTimeoutMs = msProperty(props, 'socket.connection.setup.timeout.ms');
  return {
    bootstrap:
      args.value('bootstrap-server') ?? props.get('bootstrap.servers') ?? DEFAULT_BOOTSTRAP,
    clientId: props.get('client.id') ?? 'samsa-cli',
    softwareName: 'samsa-cli',
    softwareVersion: samsaVersion(),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeoutMs }),
    ...(apiTimeoutMs === undefined ? {} : { retryTimeoutMs: apiTimeoutMs }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  };
}

/** Connects with the command's connection flags, runs `fn`, and always closes the client. */
export async function withClient<T>(
  args: ParsedArgs,
  fn: (client: KafkaClient) => Promise<T>,
): Promise<T> {
  const client = await KafkaClient.connect(clientOptions(args));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** The command's --help text. */
export function renderHelp(command: Command): string {
  const flags = [...command.flags, ...HELP_FLAGS];
  const left = flags.map((f) => `--${f.name}${f.placeholder ? ` ${f.placeholder}` : ''}`);
  const width = Math.min(34, Math.max(...left.map((l) => l.length)));
  const options = flags.map((f, i) => {
    const l = left[i]!;
    return l.length > width
      ? `  ${l}\n  ${' '.repeat(width)}  ${f.help}`
      : `  ${l.padEnd(width)}  ${f.help}`;
  });
  const lines = [
    ...command.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}${u}`),
    '',
    command.description,
    ...(command.kafkaTool
      ? ['', `Takes the flags of Kafka's ${command.kafkaTool} and prints its layouts.`]
      : []),
    '',
    'Options:',
    ...options,
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
  ];
  return lines.join('\n');
}
