// `node test/bench/table.mjs [results.json]`: the README's table of a run (default
// test/bench/results/latest.json), as Markdown: its date, cores and load average, then one row per figure.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const file = resolve(process.argv[2] ?? process.env.BENCH_JSON ?? join(here, 'results/latest.json'));
const run = JSON.parse(readFileSync(file, 'utf8'));

const number = (value) =>
  value === null || value === undefined
    ? ''
    : Math.abs(value) >= 100
      ? Math.round(value).toLocaleString('en-US')
      : Number(value.toPrecision(3)).toLocaleString('en-US');
const cell = (text) => String(text ?? '').replaceAll('|', '\\|');

const lines = [
  `Run of ${run.date} (${run.node}), ${run.cores} cores (${run.cpu}), load average ${run.loadAverage.before.toFixed(1)} before and ` +
    `${run.loadAverage.after.toFixed(1)} after, stores: ${run.stores.join(', ')}; ` +
    `${run.scripts.length} scripts in ${Math.round(run.scripts.reduce((sum, script) => sum + script.seconds, 0))} s ` +
    `(longest: ${[...run.scripts].sort((a, b) => b.seconds - a.seconds)[0]?.script} ${[...run.scripts].sort((a, b) => b.seconds - a.seconds)[0]?.seconds} s)` +
    (run.scripts.some((script) => script.exit !== 0)
      ? `; failed: ${run.scripts
          .filter((script) => script.exit !== 0)
          .map((script) => script.script)
          .join(', ')}`
      : ''),
  '',
  '| figure | value | compared with | ratio | aim | met | note |',
  '|---|---|---|---|---|---|---|',
];
for (const figure of run.figures) {
  const met = figure.skipped ? `skipped: ${figure.skipped}` : figure.met === null ? '' : figure.met ? 'yes' : 'no';
  lines.push(
    `| ${cell(figure.name)}${figure.store ? ` (${cell(figure.store)})` : ''} | ${number(figure.value)} ${cell(figure.unit)} | ` +
      `${figure.baseline ? `${cell(figure.baseline)} ${number(figure.baselineValue)}` : ''} | ${figure.ratio === null ? '' : `${figure.ratio}x`} | ` +
      `${cell(figure.aim ?? '')} | ${met} | ${cell(figure.note ?? '')} |`,
  );
}
process.stdout.write(lines.join('\n') + '\n');
