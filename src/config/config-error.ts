// Start-up config errors: a SamsaError with a stable SAMSA_ERR_CONFIG_* code that also carries the
// key and where it was written (file and line, or the --override argument), so the CLI can print
// one precise line. Wire-facing config errors are KafkaErrors instead (see parse-value.ts).
import { SamsaError, type SamsaErrorCode } from '../errors/samsa-error.js';

export type ConfigOrigin =
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'override'; readonly arg: string };

/** "server.properties line 12" or "--override num.partitions=x". */
export function describeOrigin(origin: ConfigOrigin): string {
  return origin.kind === 'file' ? `${origin.file} line ${origin.line}` : `--override ${origin.arg}`;
}

export class BrokerConfigError extends SamsaError {
  /** The key at fault, or null for errors about the file as a whole. */
  readonly configName: string | null;
  readonly origin: ConfigOrigin | null;

  constructor(
    code: SamsaErrorCode,
    message: string,
    details: { configName?: string; origin?: ConfigOrigin; cause?: unknown },
  ) {
    const where = details.origin === undefined ? '' : ` (${describeOrigin(details.origin)})`;
    super(code, `${message}${where}`, { cause: details.cause });
    this.configName = details.configName ?? null;
    this.origin = details.origin ?? null;
  }
}
