// Prints the broker benchmark's tables: one row per case, rates, produce latency, who used the
// CPU meanwhile, and the ratio to the raw limit of the same record size and direction.
import { formatNumber, printAlignedTable } from './harness.js';
import type { Row } from './broker-cases.js';

function percent(share: number | null | undefined): string {
  return share === null || share === undefined || Number.isNaN(share)
    ? '-'
    : `${Math.round(share * 100)}%`;
}

function ms(v: number | null): string {
  return v === null || Number.isNaN(v) ? '-' : v.toFixed(v >= 10 ? 1 : 2);
}

/** CPU the rest of the machine used during the row's window (other programs, the kernel's threads). */
function otherShare(r: Row): number | null {
  const cpu = r.cpu;
  if (cpu === null || cpu.machine === null || cpu.server === null) return null;
  const ours = cpu.inProcess ? cpu.self : cpu.server + cpu.self;
  return Math.max(0, cpu.machine - ours - (r.externalGenerator ?? 0));
}

function generatorShare(r: Row): string {
  if (r.externalGenerator !== undefined) return percent(r.externalGenerator);
  if (r.cpu?.inProcess) return '(same)';
  return percent(r.cpu?.self);
}

export function printRows(title: string, rows: readonly Row[]): void {
  const cells = rows.map((r) => [
    r.label,
    Number.isNaN(r.recordsPerSec) ? '-' : formatNumber(r.recordsPerSec),
    Number.isNaN(r.mbPerSec) ? '-' : formatNumber(r.mbPerSec),
    ms(r.p50),
    ms(r.p99),
    percent(r.cpu?.server),
    generatorShare(r),
    percent(otherShare(r)),
    r.baseline === null || Number.isNaN(r.recordsPerSec)
      ? '-'
      : (r.recordsPerSec / r.baseline.recordsPerSec).toFixed(2),
    r.note ?? '',
  ]);
  printAlignedTable(
    title,
    ['case', 'records/s', 'MB/s', 'p50 ms', 'p99 ms', 'srv CPU', 'gen CPU', 'other', 'x raw', ''],
    cells,
  );
}
