// The samsa command's entry point (bin/samsa.js): runs runCli with the process's streams and sets
// the exit code. A reader that goes away (samsa topics --list | head -1) ends the command quietly.
import { runCli } from './run.js';

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`samsa: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
