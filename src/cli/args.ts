// The CLI's flag parser, with the habits of Kafka's tools (joptsimple): `--flag value` or
// `--flag=value`, repeatable flags, and any unambiguous prefix of a flag name (`--bootstrap`
// for `--bootstrap-server`). Each command declares its flags once; the same declarations
// drive parsing, --help and shell completion.

export type FlagKind = 'boolean' | 'value' | 'list' | 'optional' | 'multi';

/** What a shell may complete for a flag's value. */
export type FlagCompletion = 'file' | 'topic' | 'group' | 'topic-config' | readonly string[];

export interface FlagSpec {
  /** Without the leading dashes: "bootstrap-server". */
  name: string;
  /**
   * boolean takes no value; value takes one (the last one given wins); list collects every one;
   * optional takes one only when the next argument is not an option (joptsimple's
   * withOptionalArg: `--state` or `--state stable,empty`), else its value is ""; multi takes every
   * argument up to the next option (argparse's nargs("+"): `--producer-props acks=1 linger.ms=5`).
   */
  kind: FlagKind;
  /** Placeholder in help: "HOST:PORT". */
  placeholder?: string;
  help: string;
  complete?: FlagCompletion;
}

/** A command line that does not make sense: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class ParsedArgs {
  readonly #values = new Map<string, string[]>();
  readonly positionals: string[] = [];

  /** @internal */
  add(name: string, value: string): void {
    const list = this.#values.get(name);
    if (list === undefined) this.#values.set(name, [value]);
    else list.push(value);
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The flag's value (the last one given), or undefined when absent. */
  value(name: string): string | undefined {
    return this.#values.get(name)?.at(-1);
  }

  /** Every value given for the flag, in order. */
  values(name: string): string[] {
    return this.#values.get(name) ?? [];
  }

  /** The flag's value as an integer, checked against a minimum. */
  int(name: string, options: { min?: number } = {}): number | undefined {
    const text = this.value(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text.trim())) {
      throw new UsageError(`--${name} expects an integer, but got "${text}"`);
    }
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} ${text} is out of range`);
    if (options.min !== undefined && n < options.min) {
      throw new UsageError(`--${name} must be at least ${options.min}, but got ${n}`);
    }
    return n;
  }

  /** The names of the flags given, in the order first seen. */
  names(): string[] {
    return [...this.#values.keys()];
  }
}

function resolveFlag(name: string, specs: readonly FlagSpec[], command: string): FlagSpec {
  const exact = specs.find((s) => s.name === name);
  if (exact !== undefined) return exact;
  const prefixed = specs.filter((s) => s.name.startsWith(name));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) {
    throw new UsageError(
      `Option --${name} is ambiguous (${prefixed.map((s) => `--${s.name}`).join(', ')})`,
    );
  }
  throw new UsageError(`Unknown option --${name}. Run "samsa ${command} --help" for the options.`);
}

/**
 * Parses `argv` against `specs`. Arguments that are not flags are positionals, allowed only when
 * `positionals` is set; "--" ends the flags.
 */
export function parseArgs(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  command: string,
  options: { positionals?: boolean } = {},
): ParsedArgs {
  const parsed = new ParsedArgs();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      parsed.add('help', 'true');
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
        throw new UsageError(
          `Unknown option ${arg}. Run "samsa ${command} --help" for the options.`,
        );
      }
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = resolveFlag(name, specs, command);
    if (spec.kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`Option --${spec.name} takes no value`);
      parsed.add(spec.name, 'true');
      continue;
    }
    if (spec.kind === 'optional' && eq === -1) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) {
        parsed.add(spec.name, '');
      } else {
        parsed.add(spec.name, next);
        i++;
      }
      continue;
    }
    if (spec.kind === 'multi' && eq === -1) {
      let taken = 0;
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
        parsed.add(spec.name, argv[++i]!);
        taken++;
      }
      if (taken === 0) {
        throw new UsageError(
          `Option --${spec.name} needs at least one value${spec.placeholder ? ` (${spec.placeholder})` : ''}`,
        );
      }
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      // A value may start with "-" (--shift-by -5, --time -1) but not with "--".
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(
          `Option --${spec.name} needs a value${spec.placeholder ? ` (${spec.placeholder})` : ''}`,
        );
      }
      i++;
    }
    parsed.add(spec.name, value);
  }
  if (!options.positionals && parsed.positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument "${parsed.positionals[0]}". Run "samsa ${command} --help" for usage.`,
    );
  }
  return parsed;
}

/** Fails unless exactly one of `actions` was given. */
export function oneAction<T extends string>(args: ParsedArgs, actions: readonly T[]): T {
  const given = actions.filter((a) => args.has(a));
  if (given.length !== 1) {
    const list = actions.map((a) => `--${a}`);
    const wanted = `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
    throw new UsageError(`Command must include exactly one action: ${wanted}`);
  }
  return given[0]!;
}

/** Fails when any of `flags` was given (they make no sense with `context`). */
export function rejectFlags(args: ParsedArgs, flags: readonly string[], context: string): void {
  const bad = flags.find((f) => args.has(f));
  if (bad !== undefined) throw new UsageError(`Option --${bad} cannot be used with ${context}`);
}

/** The value of a flag that must be present. */
export function required(args: ParsedArgs, name: string, context?: string): string {
  const v = args.value(name);
  if (v === undefined) {
    throw new UsageError(`Missing required option --${name}${context ? ` for ${context}` : ''}`);
  }
  return v;
}
