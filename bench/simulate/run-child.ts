// One scenario under one design, in its own process (run.ts runs two at a time, one per core).
import { readMeasured, scenarios, SEED } from './config.js';
import { runDesign, type DesignName } from './scenario.js';
import { summarize } from './summary.js';

const [key, design, mode] = process.argv.slice(2) as [string, DesignName, string];
try {
  const scenario = scenarios(mode === 'quick').find((candidate) => candidate.key === key);
  if (!scenario) throw new Error(`no scenario ${key}`);
  const measured = readMeasured();
  process.send!({ summary: summarize(runDesign(scenario, design, measured, SEED), measured) });
} catch (error) {
  process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
