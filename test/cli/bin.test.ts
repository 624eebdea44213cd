// bin/samsa.js as a user runs it (compiled dist/, so npm run build first): exit codes and
// one-line errors when no broker answers, --help with real examples for every command, plain
// output when piped, and bash completion completing commands, flags and topic names.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { HELP_FLAGS, clientOptions } from '../../src/cli/command.js';
import { parseArgs } from '../../src/cli/args.js';
import { projectRoot } from '../../scripts/project-root.js';
import { withBroker } from '../support/broker.js';
import { assertCompiledBroker } from '../support/child-broker.js';
import { BackgroundChild, run } from '../support/run.js';
import { CLI_BROKER } from './helpers.js';

const BIN = join(projectRoot(import.meta.url), 'bin', 'samsa.js');

async function samsaBin(args: string[], env: NodeJS.ProcessEnv = {}) {
  assertCompiledBroker();
  const result = await run(process.execPath, [BIN, ...args], {
    timeoutMs: 20_000,
    env: { PATH: process.env.PATH, ...env },
  });
  assert.equal(result.timedOut, false, `samsa ${args.join(' ')} timed out`);
  return { code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('--bootstrap-server defaults to the local broker; --command-config is read', () => {
  const flags = COMMANDS.find((c) => c.name === 'topics')!.flags;
  assert.equal(clientOptions(parseArgs(['--list'], flags, 'topics')).bootstrap, '127.0.0.1:9092');
  const dir = mkdtempSync(join(tmpdir(), 'samsa-cli-'));
  try {
    const file = join(dir, 'client.properties');
    writeFileSync(file, 'client.id=ops\nrequest.timeout.ms=1234\nsasl.mechanism=PLAIN\n');
    const options = clientOptions(parseArgs(['--command-config', file], flags, 'topics'));
    assert.equal(options.clientId, 'ops');
    assert.equal(options.requestTimeoutMs, 1234);
    writeFileSync(file, 'security.protocol=SASL_SSL\n');
    assert.throws(
      () => clientOptions(parseArgs(['--command-config', file], flags, 'topics')),
      /security\.protocol=SASL_SSL .* is not supported yet/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no broker: one line naming the address tried, exit 1; a bad flag exits 2', async () => {
  const port = await closedPort();
  for (const command of [
    ['topics', '--list'],
    ['configs', '--describe', '--topic', 'orders'],
    ['get-offsets', '--topic', 'orders'],
    ['api-versions'],
    ['produce', '--topic', 'orders'],
    ['consume', '--topic', 'orders'],
    ['groups', '--list'],
    [
      'perf',
      'produce',
      '--topic',
      'orders',
      '--num-records',
      '1',
      '--record-size',
      '1',
      '--throughput',
      '-1',
    ],
    ['perf', 'consume', '--topic', 'orders', '--messages', '1', '--hide-header'],
  ]) {
    const r = await samsaBin([...command, '--bootstrap-server', `127.0.0.1:${port}`]);
    assert.equal(r.code, 1, command.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `samsa ${command[0]}: Cannot connect to the broker at 127.0.0.1:${port}: connection refused\n`,
    );
  }
  const bad = await samsaBin(['topics', '--list', '--partitons', '3']);
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    'samsa topics: Unknown option --partitons. Run "samsa topics --help" for the options.\n',
  );
  const unknown = await samsaBin(['topix']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "topix"/);
  const verbose = await samsaBin([
    'topics',
    '--list',
    '--bootstrap-server',
    `127.0.0.1:${port}`,
    '--verbose',
  ]);
  assert.match(verbose.stderr, /\n\s+at /, '--verbose adds the stack trace');
});

test('--help shows usage and real examples for every command', async () => {
  const top = await samsaBin(['--help']);
  assert.equal(top.code, 0);
  for (const c of COMMANDS) {
    assert.match(top.stdout, new RegExp(`^  ${c.name} `, 'm'), c.name);
    const help = await samsaBin([c.name, '--help']);
    assert.equal(help.code, 0, c.name);
    assert.match(help.stdout, new RegExp(`^Usage: samsa ${c.name}`), c.name);
    const examples = help.stdout.slice(help.stdout.indexOf('\nExamples:\n'));
    assert.ok(examples.length > 12, `${c.name} has examples`);
    for (const line of examples
      .split('\n')
      .slice(2)
      .filter((l) => l.startsWith('  samsa '))) {
      // Every example parses: its flags are the command's own.
      const argv = line
        .trim()
        .replace(/\s+#.*$/, '')
        .split(/\s+/)
        .slice(2)
        .map((a) => a.replace(/^'|'$/g, ''));
      assert.doesNotThrow(
        () =>
          parseArgs(argv, [...c.flags, ...HELP_FLAGS], c.name, {
            positionals: c.positionals === true,
          }),
        line,
      );
    }
  }
  const version = await samsaBin(['--version']);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('piped output is plain even with a colour terminal type; FORCE_COLOR forces colour', async () => {
  await withBroker(async ({ bootstrap }) => {
    const created = await samsaBin(
      ['topics', '--create', '--topic', 'orders', '--bootstrap-server', bootstrap],
      { TERM: 'xterm-256color' },
    );
    assert.equal(created.stdout, 'Created topic orders.\n');
    const plain = await samsaBin(['topics', '--describe', '--bootstrap-server', bootstrap], {
      TERM: 'xterm-256color',
    });
    assert.doesNotMatch(plain.stdout, /\u001b\[/);
    assert.match(plain.stdout, /^Topic: orders\tTopicId: /);
    const forced = await samsaBin(
      ['configs', '--describe', '--all', '--topic', 'orders', '--bootstrap-server', bootstrap],
      { FORCE_COLOR: '1' },
    );
    assert.match(forced.stdout, /\u001b\[1m/);
  });
});

test('bash completion completes commands, flags, choices and topic names from the broker', async () => {
  assertCompiledBroker();
  const dir = mkdtempSync(join(tmpdir(), 'samsa-completion-'));
  try {
    const wrapper = join(dir, 'samsa');
    writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(wrapper, 0o755);
    await withBroker(async ({ bootstrap }) => {
      await samsaBin(['topics', '--create', '--topic', 'orders', '--bootstrap-server', bootstrap]);
      await samsaBin(['topics', '--create', '--topic', 'users', '--bootstrap-server', bootstrap]);
      const complete = async (words: string[]): Promise<string[]> => {
        const script = [
          'source <(samsa completion bash)',
          `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
          `COMP_CWORD=${words.length - 1}`,
          '_samsa',
          'printf "%s\\n" "${COMPREPLY[@]}"',
        ].join('\n');
        const r = await run('bash', ['-c', script], {
          timeoutMs: 20_000,
          env: { PATH: `${dir}:${process.env.PATH}` },
        });
        assert.equal(r.code, 0, r.stderr);
        return r.stdout
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== '');
      };
      assert.deepEqual(await complete(['samsa', 'to']), ['topics']);
      assert.deepEqual(await complete(['samsa', 'topics', '--cr']), ['--create']);
      assert.ok((await complete(['samsa', 'configs', '--'])).includes('--add-config'));
      assert.deepEqual(await complete(['samsa', 'configs', '--entity-type', '']), [
        'topics',
        'brokers',
        'groups',
        'users',
      ]);
      assert.deepEqual(await complete(['samsa', 'topics', '--config', 'retention.m']), [
        'retention.ms=',
      ]);
      assert.deepEqual(
        await complete([
          'samsa',
          'topics',
          '--bootstrap-server',
          bootstrap,
          '--describe',
          '--topic',
          '',
        ]),
        ['orders', 'users'],
      );
      assert.deepEqual(await complete(['samsa', 'perf', '']).then((w) => w.slice(0, 2)), [
        'produce',
        'consume',
      ]);
      assert.deepEqual(await complete(['samsa', 'groups', '--reset-offsets', '--to-e']), [
        '--to-earliest',
      ]);
      await samsaBin([
        'consume',
        '--topic',
        'orders',
        '--group',
        'billing',
        '--timeout-ms',
        '300',
        '--bootstrap-server',
        bootstrap,
      ]);
      assert.deepEqual(
        await complete([
          'samsa',
          'groups',
          '--bootstrap-server',
          bootstrap,
          '--describe',
          '--group',
          '',
        ]),
        ['billing'],
      );
    });
    const zsh = await samsaBin(['completion', 'zsh']);
    assert.match(zsh.stdout, /^#compdef samsa\n/);
    assert.match(zsh.stdout, /compdef _samsa samsa\n$/);
    for (const c of COMMANDS) assert.match(zsh.stdout, new RegExp(`\\(${c.name}\\) compadd`));
    const none = await samsaBin(['completion', 'fish']);
    assert.equal(none.code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('produce reads piped stdin; consume --group stops on SIGINT, commits, leaves the group and exits 130', async () => {
  assertCompiledBroker();
  await withBroker(async ({ bootstrap }) => {
    const bs = ['--bootstrap-server', bootstrap];
    await samsaBin(['topics', '--create', '--topic', 'orders', '--partitions', '2', ...bs]);
    const produced = await run(process.execPath, [BIN, 'produce', '--topic', 'orders', ...bs], {
      timeoutMs: 20_000,
      input: 'one\ntwo\nthree\n',
      env: { PATH: process.env.PATH },
    });
    assert.equal(produced.code, 0, produced.stderr);
    const consumer = new BackgroundChild(
      process.execPath,
      [BIN, 'consume', '--topic', 'orders', '--group', 'tail', '--from-beginning', ...bs],
      { timeoutMs: 30_000, env: { PATH: process.env.PATH } },
    );
    try {
      await consumer.waitFor('three records', (out) => out.split('\n').length > 3, 15_000);
      const active = await samsaBin(['groups', '--describe', '--group', 'tail', '--state', ...bs]);
      assert.match(active.stdout, / Stable +1\n$/);
      await consumer.kill('SIGINT');
      assert.equal((await consumer.exited).code, 130);
      assert.equal(consumer.stdout.toString('utf8').split('\n').sort().join(','), ',one,three,two');
      assert.equal(consumer.stderr, 'Processed a total of 3 messages\n');
    } finally {
      await consumer.kill();
    }
    const after = await samsaBin([
      'groups',
      '--describe',
      '--group',
      'tail',
      '--output',
      'json',
      ...bs,
    ]);
    const [group] = JSON.parse(after.stdout) as { state: string; offsets: { lag: number }[] }[];
    assert.equal(group!.state, 'Empty');
    assert.deepEqual(
      group!.offsets.map((o) => o.lag),
      [0, 0],
    );
  }, CLI_BROKER);
});
