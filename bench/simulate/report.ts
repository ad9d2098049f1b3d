// The figures of a simulation run: keys for bench/results.json, and the table for the console and docs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { receiverCost, type RunSummary } from './summary.js';

export interface ScenarioPair {
  key: string;
  new: RunSummary;
  old: RunSummary;
}

const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? Math.round((a / b) * 1000) / 1000 : undefined);

/** The keys, this design first and today's beside it as `sim_<rate>_old_...`. */
export function figures(
  pairs: ScenarioPair[],
  meta: { date: string; quick: boolean; seed: number; runSeconds: number },
): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  for (const pair of pairs) {
    for (const design of ['new', 'old'] as const) {
      const run = pair[design];
      const prefix = design === 'new' ? `sim_${pair.key}_` : `sim_${pair.key}_old_`;
      keys[`${prefix}healthy_p99_s`] = run.healthy_p99_s;
      keys[`${prefix}max_in_flight_share`] = run.max_in_flight_share;
      keys[`${prefix}lost`] = run.lost;
      keys[`${prefix}usd_per_million`] = run.usd_per_million;
      keys[`${prefix}dead_usd_per_million_dead`] = receiverCost(run.classes.dead);
      keys[`${prefix}hung_usd_per_million_hung`] = receiverCost(run.classes.hung);
    }
    keys[`sim_${pair.key}_dead_cost_ratio`] = ratio(receiverCost(pair.new.classes.dead), receiverCost(pair.old.classes.dead));
    keys[`sim_${pair.key}_hung_cost_ratio`] = ratio(receiverCost(pair.new.classes.hung), receiverCost(pair.old.classes.hung));
  }
  keys.sim_detail = Object.fromEntries(pairs.map((pair) => [pair.key, { new: pair.new, old: pair.old }]));
  keys.sim_date = meta.date;
  keys.sim_quick = meta.quick;
  keys.sim_seed = meta.seed;
  keys.sim_run_seconds = meta.runSeconds;
  return keys;
}

/** Merges the `sim_*` keys into the results file: every other key stays as it was. */
export function mergeIntoResults(file: URL | string, keys: Record<string, unknown>): void {
  const existing = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const kept = Object.fromEntries(Object.entries(existing).filter(([key]) => !key.startsWith('sim_')));
  writeFileSync(file, `${JSON.stringify({ ...kept, ...keys }, null, 2)}\n`);
}

const number = (value: number | undefined, digits = 2): string => {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Math.round(value * 10 ** digits) / 10 ** digits);
};

interface Row {
  title: string;
  cell(run: RunSummary): string;
}

const ROWS: Row[] = [
  { title: 'healthy p99, ingest → primary (s)', cell: (run) => number(run.healthy_p99_s) },
  { title: 'peak in flight ÷ 120,000', cell: (run) => number(run.max_in_flight_share, 3) },
  { title: 'lost', cell: (run) => number(run.lost, 0) },
  { title: '$ per million notifications', cell: (run) => number(run.usd_per_million) },
  { title: 'dead receivers: $ per million, beyond ingest', cell: (run) => number(receiverCost(run.classes.dead)) },
  { title: 'hung receivers: $ per million, beyond ingest', cell: (run) => number(receiverCost(run.classes.hung)) },
  { title: 'attempts per hung notification', cell: (run) => number(run.classes.hung.attempts_per_notification, 3) },
  {
    title: 'peak concurrency, fast + slow lane (max each)',
    cell: (run) => `${run.peak_concurrency.fast} + ${run.peak_concurrency.slow} (${run.max_concurrency})`,
  },
  { title: 'flapping p99 (s)', cell: (run) => number(run.classes.flapping.p99_s) },
  {
    title: 'slow numbers delivered',
    cell: (run) => `${number((100 * run.classes.slow.delivered) / Math.max(1, run.classes.slow.notifications), 1)} %`,
  },
  {
    title: 'poison: receives, minutes to DLQ',
    cell: (run) => (run.poison.dead_lettered > 0 ? `${run.poison.max_receives}, ${number(run.poison.max_minutes_to_dlq, 0)}` : 'not yet'),
  },
  { title: 'duplicates (crash batch-mates)', cell: (run) => number(run.classes.healthy.duplicates, 0) },
];

/** One column pair per scenario: the new design, then today's. */
export function markdownTable(pairs: ScenarioPair[]): string {
  const label = (pair: ScenarioPair) =>
    pair.key === '7d' ? `${pair.new.rate}/s, 8 days` : `${Number(pair.key).toLocaleString('en-US')}/s`;
  const header = ['figure', ...pairs.flatMap((pair) => [`${label(pair)} new`, 'old'])];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of ROWS)
    lines.push(`| ${[row.title, ...pairs.flatMap((pair) => [row.cell(pair.new), row.cell(pair.old)])].join(' | ')} |`);
  return lines.join('\n');
}

export const DOCS_START = '<!-- simulate:table (written by npm run simulate) -->';
export const DOCS_END = '<!-- /simulate:table -->';

/** Rewrites the table between the markers of docs/performance.md; false when the markers are missing. */
export function updateDocs(file: URL | string, table: string, caption: string): boolean {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(DOCS_START);
  const end = text.indexOf(DOCS_END);
  if (start < 0 || end < start) return false;
  writeFileSync(file, `${text.slice(0, start + DOCS_START.length)}\n${caption}\n\n${table}\n${text.slice(end)}`);
  return true;
}
