// Where a command writes, and how. Piped output is Kafka's layouts byte for byte, so scripts that
// parse kafka-*.sh output keep working; on a terminal the same fields are aligned and coloured.
// Colour follows the usual conventions: only on a terminal, never with NO_COLOR set (any value)
// or TERM=dumb, always with FORCE_COLOR set to anything but 0.

export interface CliStream {
  /** Returns false when the stream's buffer is full (a Writable); then wait for 'drain'. */
  write(chunk: string | Uint8Array): unknown;
  isTTY?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
}

/** The process's streams and environment, injected so tests can run commands in-process. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';

/** SGR open and close codes (util.styleText checks process.stdout, not the stream in use). */
const SGR: Readonly<Record<Style, readonly [number, number]>> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
};

function paint(style: Style | readonly Style[], text: string): string {
  const styles: readonly Style[] = typeof style === 'string' ? [style] : style;
  return styles.reduce((t, s) => `\u001b[${SGR[s][0]}m${t}\u001b[${SGR[s][1]}m`, text);
}

export function colourEnabled(stream: CliStream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined) return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** JSON with bigints (offsets, timestamps) as numbers when exact, else as strings. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      typeof v === 'bigint'
        ? v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v)
          : v.toString()
        : v,
    indent,
  );
}

export class Output {
  readonly io: CliIo;
  /** stdout is a terminal: align and colour. */
  readonly tty: boolean;
  readonly colour: boolean;
  readonly #errColour: boolean;

  constructor(io: CliIo) {
    this.io = io;
    this.tty = io.stdout.isTTY === true;
    this.colour = colourEnabled(io.stdout, io.env);
    this.#errColour = colourEnabled(io.stderr, io.env);
  }

  /** Writes a line (or lines) to stdout. */
  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Writes raw text to stdout, no newline added. */
  write(text: string): void {
    this.io.stdout.write(text);
  }

  /**
   * Writes bytes (records' keys and values, as they are) to stdout; resolves once the stream can
   * take more, so a consumer piped into a slow reader does not buffer without bound.
   */
  async writeBytes(chunk: Uint8Array | string): Promise<void> {
    const stream = this.io.stdout;
    if (stream.write(chunk) === false && stream.once !== undefined) {
      await new Promise<void>((resolve) => stream.once!('drain', resolve));
    }
  }

  /** Writes a line to stderr. */
  error(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.line(toJson(value));
  }

  /** `text` styled when stdout shows colour, unchanged otherwise. */
  style(style: Style | readonly Style[], text: string): string {
    return this.colour ? paint(style, text) : text;
  }

  /** `text` styled when stderr shows colour. */
  styleErr(style: Style | readonly Style[], text: string): string {
    return this.#errColour ? paint(style, text) : text;
  }

  /**
   * Rows with every column padded to its widest cell (the last column unpadded), columns
   * separated by `gap` spaces. A header row is shown bold.
   */
  table(
    rows: readonly (readonly string[])[],
    options: { header?: readonly string[]; gap?: number } = {},
  ): void {
    const all = options.header ? [options.header, ...rows] : rows;
    const widths: number[] = [];
    for (const row of all) {
      row.forEach((cell, i) => {
        widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
      });
    }
    const gap = ' '.repeat(options.gap ?? 2);
    const render = (row: readonly string[]): string =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : padEnd(cell, widths[i]!)))
        .join(gap)
        .trimEnd();
    if (options.header) this.line(this.style('bold', render(options.header)));
    for (const row of rows) this.line(render(row));
  }
}

export interface FieldLine {
  /** Kafka starts such lines with a tab (partition lines under a topic line). */
  indent: boolean;
  fields: readonly (readonly [label: string, value: string])[];
}

/**
 * Lines of "Label: value" fields, Kafka's describe layout: piped, fields joined by tabs (indented
 * lines start with one), exactly as kafka-topics.sh prints them; on a terminal, each field padded
 * to its column's width among lines of the same indent, labels dimmed.
 */
export function renderFieldLines(out: Output, lines: readonly FieldLine[]): void {
  if (!out.tty) {
    for (const l of lines) {
      out.line((l.indent ? '\t' : '') + l.fields.map(([k, v]) => `${k}: ${v}`).join('\t'));
    }
    return;
  }
  const widths = new Map<string, number[]>();
  for (const l of lines) {
    const key = String(l.indent);
    const w = widths.get(key) ?? [];
    l.fields.forEach(([k, v], i) => {
      w[i] = Math.max(w[i] ?? 0, k.length + 2 + v.length);
    });
    widths.set(key, w);
  }
  for (const l of lines) {
    const w = widths.get(String(l.indent))!;
    const cells = l.fields.map(([k, v], i) => {
      const cell = `${out.style('dim', `${k}:`)} ${v}`;
      return i === l.fields.length - 1 ? cell : padEnd(cell, w[i]!);
    });
    out.line((l.indent ? '    ' : '') + cells.join('  '));
  }
}

const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}
