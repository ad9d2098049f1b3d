// The table printed at the end of a run: each figure, its goal and whether the run met it.
import type { Results } from './results.js';

interface Row {
  key: string;
  value: string;
  goal: string;
  /** undefined: a figure to report, no goal. */
  met?: boolean;
}

const show = (value: unknown): string =>
  typeof value === 'object' ? JSON.stringify(value).replace(/"/g, '').replace(/,/g, ', ') : String(value);

export function rows(results: Results): Row[] {
  const byClones = results.latency_by_clones_ms;
  const withClones = [byClones['1'], byClones['2'], byClones['3']];
  const spread = Math.max(...withClones) / Math.min(...withClones);
  return [
    {
      key: 'delivery_vs_raw_http_ratio',
      value: show(results.delivery_vs_raw_http_ratio),
      goal: '>= 0.8 (aim 0.9)',
      met: results.delivery_vs_raw_http_ratio >= 0.8,
    },
    {
      key: 'latency_3_clones_over_ideal',
      value: show(results.latency_3_clones_over_ideal),
      goal: '<= 1.15',
      met: results.latency_3_clones_over_ideal <= 1.15,
    },
    { key: 'latency_by_clones_ms', value: show(byClones), goal: 'flat 1..3 (max/min <= 1.05)', met: spread <= 1.05 },
    {
      key: 'cap_race_winners',
      value: show(results.cap_race_winners),
      goal: 'exactly 3',
      met: results.cap_race_winners === 3 && results.cap_race_stored === 3,
    },
    { key: 'max_bundle_kb', value: show(results.max_bundle_kb), goal: '<= 500', met: results.max_bundle_kb <= 500 },
    { key: 'init_ms_by_function', value: summarize(results.init_ms_by_function), goal: 'report (all below)' },
    {
      key: 'dynamodb_calls_per_notification',
      value: show(results.dynamodb_calls_per_notification),
      goal: '<= 0.2',
      met: results.dynamodb_calls_per_notification <= 0.2,
    },
    { key: 'sqs_calls_per_notification', value: show(results.sqs_calls_per_notification), goal: 'report' },
    {
      key: 'usd_per_million_notifications',
      value: show(results.usd_per_million_notifications),
      goal: `report (floor SQS+Lambda ${results.usd_floor_sqs_lambda_per_million})`,
    },
    { key: 'local_stack_notifications_per_s', value: show(results.local_stack_notifications_per_s), goal: 'report' },
  ];
}

function summarize(byName: Record<string, number>): string {
  const entries = Object.entries(byName).sort((a, b) => b[1] - a[1]);
  return `max ${entries[0]![1]} (${entries[0]![0]}), min ${entries.at(-1)![1]} (${entries.at(-1)![0]})`;
}

export function printTable(results: Results): void {
  const table = rows(results);
  const width = (pick: (row: Row) => string, title: string) =>
    Math.max(title.length, ...table.map((row) => Math.min(60, pick(row).length)));
  const widths = [width((r) => r.key, 'figure'), width((r) => r.value, 'value'), width((r) => r.goal, 'goal')];
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join(' | ')} |`;
  console.log(
    `\nmulti-webhook benchmarks, ${results.date}${results.smoke ? ' (SMOKE: one tiny iteration, the figures mean nothing)' : ''}`,
  );
  console.log(
    `${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memory_gb} GB, Node ${results.machine.node}, load ${results.machine.load_average_1m} at start\n`,
  );
  console.log(line(['figure', 'value', 'goal', 'met']));
  console.log(line(widths.map((w) => '-'.repeat(w)).concat('---')));
  for (const row of table) {
    const met = row.met === undefined || results.smoke ? '' : row.met ? 'yes' : 'NO';
    console.log(line([row.key, row.value, row.goal, met]));
  }
  console.log(`\ninit_ms_by_function: ${show(results.init_ms_by_function)}`);
  const { metrics_and_tracer: added } = (results.bundles ?? {}) as { metrics_and_tracer?: Record<string, number> };
  if (added) console.log(`Powertools Metrics + Tracer add to a bundle: ${show(added)}`);
}
