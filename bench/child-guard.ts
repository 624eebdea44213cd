// Preloaded (node --import) into the benchmark's child processes (the broker and the raw server),
// so they stop by themselves: when the benchmark process goes away, which closes the pipe it left
// on their stdin, or when their lifetime bound passes. Either way the process gets SIGTERM (its
// graceful stop), then exits hard if that has not finished within a few seconds.
const LIFETIME_MS = Number(process.env.SAMSA_BENCH_CHILD_LIFETIME_MS ?? 10 * 60_000);
const HARD_EXIT_MS = 10_000;

function stop(): void {
  setTimeout(() => process.exit(1), HARD_EXIT_MS).unref();
  process.kill(process.pid, 'SIGTERM');
}

setTimeout(stop, LIFETIME_MS).unref();
process.stdin.on('data', () => undefined);
process.stdin.once('end', stop);
process.stdin.once('error', stop);
process.stdin.unref();
