// samsa server as a user runs it: a child process from bin/samsa.js, a banner naming where it
// listens, SIGTERM shuts it down with exit code 0 after closing its logs, and bad configuration
// stops the start with one readable line and exit code 1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { projectRoot } from '../../scripts/project-root.js';

const BIN = join(projectRoot(import.meta.url), 'bin', 'samsa.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs samsa with a hard timeout; `onLine` may signal the child (by its PID) when it sees a line. */
function runSamsa(
  args: string[],
  onLine?: (line: string, pid: number) => void,
  timeoutMs = 20_000,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `samsa ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      for (const line of text.split('\n')) if (line !== '') onLine?.(line, child.pid!);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('samsa server starts, prints its banner, and exits 0 on SIGTERM after closing its logs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-cli-'));
  try {
    const run = await runSamsa(
      [
        'server',
        '--override',
        'listeners=PLAINTEXT://127.0.0.1:0',
        '--override',
        `log.dirs=${dir}`,
      ],
      (line, pid) => {
        if (/^Samsa broker \d+ started/.test(line)) process.kill(pid, 'SIGTERM');
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^Samsa broker 1 started: cluster [A-Za-z0-9_-]{22}, listeners PLAINTEXT:\/\/127\.0\.0\.1:\d+, data /m,
    );
    assert.match(run.stdout, /Samsa broker stopped/);
    assert.ok(existsSync(join(dir, 'meta.properties')));
    assert.ok(existsSync(join(dir, '.kafka_cleanshutdown')), 'logs were closed cleanly');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a config file and overrides combine; a bad key or value is one line naming it, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-cli-'));
  try {
    const file = join(dir, 'server.properties');
    writeFileSync(
      file,
      `# a broker\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${dir}/data\nnum.partitions=oops\n`,
    );
    const bad = await runSamsa(['server', file]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /num\.partitions/);
    assert.match(bad.stderr, /oops/);
    assert.match(bad.stderr, /server\.properties:4|line 4/);
    assert.equal(bad.stderr.trim().split('\n').length, 1, 'one readable line, no stack trace');

    const unknown = await runSamsa(['server', '--override', 'no.such.key=1']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no\.such\.key/);

    const fixed = await runSamsa(
      ['server', file, '--override', 'num.partitions=3'],
      (line, pid) => {
        if (/^Samsa broker \d+ started/.test(line)) process.kill(pid, 'SIGINT');
      },
    );
    assert.equal(fixed.code, 0, fixed.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samsa server --help shows usage with examples; an unknown option fails', async () => {
  const help = await runSamsa(['server', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: samsa server/);
  assert.match(help.stdout, /--override key=value/);
  const bad = await runSamsa(['server', '--bogus']);
  assert.equal(bad.code, 2, 'a bad command line exits 2');
  assert.match(bad.stderr, /Unknown option --bogus/);
});
