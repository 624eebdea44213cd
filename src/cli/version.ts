// Samsa's version, from package.json (two levels above dist/src/cli and src/cli alike).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function samsaVersion(): string {
  if (cached === undefined) {
    for (const up of ['../../package.json', '../../../package.json']) {
      try {
        const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === 'samsa' && pkg.version) {
          cached = pkg.version;
          break;
        }
      } catch {
        // Try the next level up.
      }
    }
    cached ??= '0.0.0';
  }
  return cached;
}
