// What `npm run bench` keeps of the results file it replaces: the figures `npm run simulate` merged into it.
import { existsSync, readFileSync } from 'node:fs';

const isSimulationKey = (key: string): boolean => key.startsWith('sim_') || key === 'simulation';

/** The `sim_*` keys (and a `simulation` block) of the file; none when it is absent or unreadable. */
export function simulationKeysOf(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let existing: unknown;
  try {
    existing = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // A run of several minutes is worth more than figures a rerun of the simulation gives back.
    console.error(`${file} is not JSON (${error instanceof Error ? error.message : String(error)}): its simulation figures are not kept`);
    return {};
  }
  if (typeof existing !== 'object' || existing === null) return {};
  return Object.fromEntries(Object.entries(existing).filter(([key]) => isSimulationKey(key)));
}
