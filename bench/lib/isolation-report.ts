// The figures of delivery's isolation between numbers (issue 10), printed below the main table.
import type { Results } from './results.js';

const FIGURES = [
  { key: 'noisy_neighbour_p95_ratio', goal: '<= 1.5', met: (value: number) => value <= 1.5 },
  { key: 'hung_primary_attempts_per_notification', goal: '<= 0.1', met: (value: number) => value <= 0.1 },
] as const;

export function printIsolationFigures(results: Results): void {
  const present = FIGURES.filter(({ key }) => typeof results[key] === 'number');
  if (present.length === 0) return;
  console.log('');
  for (const { key, goal, met } of present) {
    const value = results[key] as number;
    const verdict = results.smoke ? '' : met(value) ? ' (met)' : ' (NOT met)';
    console.log(`${key}: ${value}, goal ${goal}${verdict}`);
  }
}
