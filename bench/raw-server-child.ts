// Runs the raw-limit server (raw-server.ts) as its own process, so that it, like the broker in
// child mode, does not share the load generator's event loop. Usage: raw-server-child.js FILE.
// Prints "raw server listening on PORT" once listening; SIGTERM closes it and exits 0
// (child-guard.ts, preloaded, sends that SIGTERM when the benchmark process goes away).
import { startRawServer } from './raw-server.js';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: raw-server-child.js FILE');
  process.exit(2);
}
const server = await startRawServer(file);
console.log(`raw server listening on ${server.port}`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
