// A mistake in the environment stops `npm start` with one sentence naming the variable, the value and what is allowed.
import { readdirSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { cleanUp, npmStart, type NpmStart } from './support/npm-start.js';

let run: NpmStart | undefined;
afterEach(async () => {
  await cleanUp(run);
  run = undefined;
});

const cases: { env: Record<string, string>; says: string }[] = [
  { env: { DESTINATION_POLICY: 'Strict' }, says: 'DESTINATION_POLICY="Strict" is not allowed: use strict or local' },
  { env: { PORT: 'abc' }, says: 'PORT="abc" is not allowed: use a whole number from 0 to 65535 (0 picks a free port)' },
  {
    env: { PORT: '70000', RETRY_BASE_SECONDS: '1.5' },
    says: 'PORT="70000" is not allowed: use a whole number from 0 to 65535 (0 picks a free port); RETRY_BASE_SECONDS="1.5" is not allowed: use a whole number of 0 or more',
  },
];

it.for(cases)('exits 1 with one line, starting nothing, when $env', { timeout: 30_000 }, async ({ env, says }) => {
  run = npmStart(env);

  expect(await run.exited).toBe(1);
  expect(run.stderr()).toBe(`multi-webhook could not start: Invalid environment: ${says}\n`);
  // Checked before anything starts: no DynamoDB data directory, no state file.
  expect(readdirSync(run.stateDir)).toEqual([]);
});
