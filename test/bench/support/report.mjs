// One figure of the suite: printed, and appended as a JSON line to BENCH_FIGURES_FILE (set by run.mjs),
// which run.mjs gathers into the one results file. `aim` is `{ op: '>=' | '<=', value, of?: 'ratio' }`:
// the aim compares the ratio to the baseline when `of` is 'ratio', the value itself otherwise.
import { appendFileSync } from 'node:fs';
import { basename } from 'node:path';
import { argv } from 'node:process';

const script = basename(argv[1] ?? '').replace(/\.bench\.mjs$/, '');

export function describeAim(aim) {
  if (!aim) return null;
  return `${aim.of === 'ratio' ? 'ratio ' : ''}${aim.op} ${aim.value}${aim.of === 'ratio' ? 'x' : ''}`;
}

function meets(aim, value, ratio) {
  if (!aim) return null;
  const subject = aim.of === 'ratio' ? ratio : value;
  if (subject === null || subject === undefined || Number.isNaN(subject)) return null;
  return aim.op === '>='
    ? subject >= aim.value
    : aim.op === '<'
      ? subject < aim.value
      : aim.op === '>'
        ? subject > aim.value
        : subject <= aim.value;
}

/**
 * @param {{name: string, value: number|null, unit: string, baseline?: string|null, baselineValue?: number|null,
 *   aim?: {op: '>='|'<=', value: number, of?: 'ratio'}|null, store?: string, skipped?: string, note?: string}} figure
 */
export function figure({ name, value, unit, baseline = null, baselineValue = null, aim = null, store, skipped, note }) {
  const ratio = value !== null && baselineValue ? value / baselineValue : null;
  const entry = {
    name,
    script,
    value: value === null || value === undefined ? null : Number(value.toPrecision(6)),
    unit,
    baseline,
    baselineValue: baselineValue === null ? null : Number(baselineValue.toPrecision(6)),
    ratio: ratio === null ? null : Number(ratio.toFixed(3)),
    aim: describeAim(aim),
    met: skipped ? null : meets(aim, value, ratio),
    ...(store ? { store } : {}),
    ...(skipped ? { skipped } : {}),
    ...(note ? { note } : {}),
  };
  if (process.env.BENCH_FIGURES_FILE) appendFileSync(process.env.BENCH_FIGURES_FILE, JSON.stringify(entry) + '\n');
  return entry;
}

/** A figure that cannot be measured here (no server, no peer): recorded with the reason. */
export function skippedFigure(name, unit, reason, fields = {}) {
  return figure({ name, value: null, unit, ...fields, skipped: reason });
}
