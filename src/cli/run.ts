// runCli: the samsa command as a function of its arguments and streams, so tests run it
// in-process. Dispatches to a subcommand, prints --help, and turns every failure into one line on
// stderr — `samsa <command>: <what failed>` — with exit code 2 for a bad command line and 1 for
// anything else (a stack trace only with --verbose).
import { parseArgs, UsageError } from './args.js';
import { HELP_FLAGS, renderHelp, type Command } from './command.js';
import { COMMANDS } from './commands/index.js';
import { explain } from './explain.js';
import { Output, type CliIo } from './output.js';
import { samsaVersion } from './version.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: samsa <command> [options]',
    '',
    'Samsa speaks Apache Kafka’s wire protocol. Its commands take the flags of Kafka’s tools and',
    'print their layouts; --bootstrap-server defaults to the local broker, 127.0.0.1:9092.',
    '',
    'Commands:',
    ...COMMANDS.map(
      (c) => `  ${c.name.padEnd(width)}  ${c.summary}${c.kafkaTool ? ` (${c.kafkaTool})` : ''}`,
    ),
    '',
    'Options:',
    '  --version  Print the Samsa version',
    '  --help     Print this help',
    '',
    'Run "samsa <command> --help" for a command’s options and examples.',
    '',
    'Examples:',
    '  samsa server',
    '  samsa topics --create --topic orders --partitions 3',
    '  samsa topics --describe --topic orders',
    "  printf 'k1:hello\\n' | samsa produce --topic orders --property parse.key=true --property key.separator=:",
    '  samsa consume --topic orders --group billing --from-beginning',
    '  samsa groups --describe --group billing',
    '  samsa completion bash > /etc/bash_completion.d/samsa',
  ].join('\n');
}

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const out = new Output(io);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : findCommand(topic);
    out.line(command ? renderHelp(command) : usage());
    return 0;
  }
  if (name === '--version' || name === 'version') {
    out.line(samsaVersion());
    return 0;
  }
  const command = findCommand(name);
  if (command === undefined) {
    out.error(`samsa: unknown command "${name}". Run "samsa --help" for the list of commands.`);
    return 2;
  }
  try {
    const args = parseArgs(rest, [...command.flags, ...HELP_FLAGS], command.name, {
      positionals: command.positionals === true,
    });
    if (args.has('help')) {
      out.line(renderHelp(command));
      return 0;
    }
    return await command.run({ args, out });
  } catch (err) {
    out.error(out.styleErr('red', `samsa ${command.name}: ${explain(err)}`));
    if (rest.includes('--verbose')) out.error(err instanceof Error ? (err.stack ?? '') : '');
    return err instanceof UsageError ? 2 : 1;
  }
}
