// `npm run simulate [-- --quick] [-- --out=<file>] [-- --only=<rate>]`: every scenario under both designs,
// in simulated time; writes the sim_* keys into bench/results.json and the table into docs/performance.md.
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_FILE, scenarios, SEED } from './config.js';
import { figures, markdownTable, mergeIntoResults, updateDocs, type ScenarioPair } from './report.js';
import type { DesignName } from './scenario.js';
import type { RunSummary } from './summary.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option('only');
// A quick run (CI) or a single scenario writes figures only where --out asks: bench/results.json holds full runs.
const out = option('out') ? resolve(option('out')!) : quick || only !== undefined ? undefined : RESULTS_FILE;
const DOCS_FILE = new URL('../../docs/performance.md', import.meta.url);

const startedAt = performance.now();
const chosen = scenarios(quick).filter((scenario) => only === undefined || scenario.key === only);
if (chosen.length === 0)
  throw new Error(
    `no scenario ${only}; choose one of ${scenarios(quick)
      .map((s) => s.key)
      .join(', ')}`,
  );

// The largest runs first, so the two processes finish at about the same time.
const jobs = chosen
  .flatMap((scenario) =>
    (['new', 'old'] as DesignName[]).map((design) => ({ key: scenario.key, design, size: scenario.rate * scenario.durationSeconds })),
  )
  .sort((a, b) => b.size - a.size);
const summaries = new Map<string, RunSummary>();
const workers = Math.max(1, Math.min(availableParallelism(), jobs.length));

async function work(): Promise<void> {
  for (let job = jobs.shift(); job; job = jobs.shift()) {
    const summary = await runChild(job.key, job.design);
    summaries.set(`${job.key}/${job.design}`, summary);
    console.error(`  ${job.key} ${job.design}: ${summary.wall_seconds} s, ${(summary.events / 1e6).toFixed(1)} M events`);
  }
}

function runChild(key: string, design: DesignName): Promise<RunSummary> {
  const child = fork(new URL('./run-child.ts', import.meta.url), [key, design, quick ? 'quick' : 'full'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolvePromise, reject) => {
    let summary: RunSummary | undefined;
    child.on('message', (message: { summary?: RunSummary; error?: string }) => {
      if (message.error) reject(new Error(`${key} ${design}: ${message.error}`));
      summary = message.summary;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      summary ? resolvePromise(summary) : reject(new Error(`${key} ${design} exited with code ${code} without a result`)),
    );
  });
}

console.error(`simulating ${chosen.map((s) => s.key).join(', ')} under both designs${quick ? ' (quick)' : ''}, ${workers} at a time...`);
await Promise.all(Array.from({ length: workers }, () => work()));

const pairs: ScenarioPair[] = chosen.map((scenario) => ({
  key: scenario.key,
  new: summaries.get(`${scenario.key}/new`)!,
  old: summaries.get(`${scenario.key}/old`)!,
}));
const runSeconds = Math.round((performance.now() - startedAt) / 1000);
const date = new Date().toISOString();
const table = markdownTable(pairs);
console.log(`\nmulti-webhook simulation, ${date}${quick ? ' (QUICK: shorter runs, the figures show the shape only)' : ''}\n`);
console.log(table);
if (out) {
  mergeIntoResults(out, figures(pairs, { date, quick, seed: SEED, runSeconds }));
  console.log(`\nwrote the sim_* keys into ${out instanceof URL ? fileURLToPath(out) : out} (${runSeconds} s)`);
} else {
  console.log(`\n${runSeconds} s; nothing written (no --out)`);
}
if (!quick && only === undefined) {
  const caption = `Last run: ${date.slice(0, 16).replace('T', ' ')}Z, seed ${SEED}, ${runSeconds} s on ${workers} processes.`;
  if (!updateDocs(DOCS_FILE, table, caption)) console.error('docs/performance.md has no simulate:table markers: table not written there');
}
