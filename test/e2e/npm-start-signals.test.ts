// `npm start` stops everything it started, however it is told to stop: Ctrl+C, kill, systemd, an IDE, a closed terminal.
import { existsSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { answers, localStackFile } from '../../infra/local/state-file.js';
import { waitFor } from '../helpers/wait-for.js';
import { cleanUp, isAlive, npmStart, type NpmStart } from './support/npm-start.js';

let run: NpmStart | undefined;
afterEach(async () => {
  await cleanUp(run);
  run = undefined;
});

const cases = [
  { signal: 'SIGTERM', to: 'the process npm runs', says: 'SIGTERM: stopping the local stack...' },
  // What systemd, a container stop or an IDE's stop button do: npm passes it on to its script.
  { signal: 'SIGTERM', to: 'npm', says: 'SIGTERM: stopping the local stack...' },
  { signal: 'SIGHUP', to: 'the process npm runs', says: 'SIGHUP: stopping the local stack...' },
  { signal: 'SIGINT', to: 'the process npm runs', says: 'SIGINT: stopping the local stack...' },
  // A terminal's Ctrl+C reaches every process of the group, npm (which passes it on once more) and Java included.
  { signal: 'SIGINT', to: 'the process group', says: 'SIGINT: stopping the local stack...' },
  // npm cannot pass SIGKILL on; the stack notices that npm is gone.
  { signal: 'SIGKILL', to: 'npm', says: 'ended: stopping the local stack...' },
] as const;

it.for(cases)(
  'stops the API, delivery and DynamoDB Local and removes the state file on $signal to $to',
  { timeout: 60_000 },
  async ({ signal, to, says }) => {
    run = npmStart();
    const { state } = await run.ready;
    expect(state.pid).not.toBe(run.npm.pid);
    expect([await answers(state.apiUrl), await answers(state.dynamodbEndpoint)]).toEqual([true, true]);

    process.kill(to === 'npm' ? run.npm.pid! : to === 'the process group' ? -run.npm.pid! : state.pid, signal);

    await run.exited;
    await waitFor(() => !isAlive(state.pid), { timeoutMs: 20_000 });
    expect(await answers(state.apiUrl)).toBe(false);
    // DynamoDB Local is a Java child process: its port closes only when it has exited.
    expect(await answers(state.dynamodbEndpoint)).toBe(false);
    expect(existsSync(localStackFile(run.stateDir))).toBe(false);
    expect(run.stdout()).toContain(says);
    // One request to stop, however many copies of the signal arrived: the stop was not cut short.
    expect(run.stdout()).not.toContain('again: exiting without waiting');
  },
);
