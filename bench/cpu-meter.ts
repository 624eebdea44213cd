// CPU accounting for a run's window, from /proc (Linux): the server's process, this process (the
// load generator, or everything when the broker runs in-process) and the whole machine, so that a
// table can show who was busy and how much CPU other programs took meanwhile. A shared machine
// makes every figure lower; the "other" column says when that happened.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU seconds (user + system) a process has used; null where there is no /proc. */
export function cpuSecondsOf(pid: number): number | null {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** CPU seconds all CPUs of the machine spent busy (not idle, not waiting for I/O). */
function machineBusySeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
      ticksPerSecond()
    );
  } catch {
    return null;
  }
}

export interface CpuShare {
  /** CPU time of the server's process over wall time (1 = one core busy), or null. */
  readonly server: number | null;
  /** The same for this process. */
  readonly self: number;
  /** The whole machine's busy time over wall time, or null. */
  readonly machine: number | null;
  /** True when the server runs in this process (server and self are the same figure). */
  readonly inProcess: boolean;
}

interface Sample {
  wall: number;
  server: number | null;
  self: number;
  machine: number | null;
}

function sample(pid: number): Sample {
  return {
    wall: performance.now() / 1000,
    server: cpuSecondsOf(pid),
    self: cpuSecondsOf(process.pid)!,
    machine: machineBusySeconds(),
  };
}

function plus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function minus(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/**
 * Samples CPU between start() and end(), usable as a run's hooks; several start/end windows add
 * up (for a case measured in slices), and `share` is over all of them.
 */
export class CpuMeter {
  readonly #pid: number;
  #from: Sample | null = null;
  readonly #total: Sample = { wall: 0, server: 0, self: 0, machine: 0 };

  constructor(serverPid: number) {
    this.#pid = serverPid;
  }

  readonly start = (): void => {
    this.#from = sample(this.#pid);
  };

  readonly end = (): void => {
    if (this.#from === null) return;
    const to = sample(this.#pid);
    this.#total.wall += to.wall - this.#from.wall;
    this.#total.server = plus(this.#total.server, minus(to.server, this.#from.server));
    this.#total.self += to.self - this.#from.self;
    this.#total.machine = plus(this.#total.machine, minus(to.machine, this.#from.machine));
    this.#from = null;
  };

  get share(): CpuShare {
    const t = this.#total;
    const per = (v: number | null): number | null =>
      v === null || t.wall === 0 ? null : v / t.wall;
    return {
      server: per(t.server),
      self: per(t.self) ?? 0,
      machine: per(t.machine),
      inProcess: this.#pid === process.pid,
    };
  }
}
