// The variables only `npm start` reads are checked with the same sentences as the product's.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLocalEnvironment } from '../../../infra/local/local-environment.js';
import { PROJECT_ROOT } from '../../../infra/local/state-file.js';
import { InvalidEnvironment } from '../../../shared/config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    parseLocalEnvironment(env);
  } catch (error) {
    if (error instanceof InvalidEnvironment) return error.problems;
    throw error;
  }
  throw new Error('parseLocalEnvironment accepted it');
};

describe('parseLocalEnvironment', () => {
  it('defaults to port 3000, no chosen receiver port and .local-state in the project root', () => {
    expect(parseLocalEnvironment({})).toEqual({ port: 3000, receiverPort: undefined, stateDir: resolve(PROJECT_ROOT, '.local-state') });
  });

  it.for(['abc', '', '-1', '65536', '3000.5', '0x50'])('refuses PORT=%j with the range it allows', (value) => {
    expect(problemsOf({ PORT: value })).toEqual([
      `PORT=${JSON.stringify(value)} is not allowed: use a whole number from 0 to 65535 (0 picks a free port)`,
    ]);
  });

  it('accepts PORT=0, which picks a free port', () => {
    expect(parseLocalEnvironment({ PORT: '0' }).port).toBe(0);
  });

  it('refuses RECEIVER_PORT=0: a pasted receiver needs a port the commands can name', () => {
    expect(problemsOf({ RECEIVER_PORT: '0' })).toEqual(['RECEIVER_PORT="0" is not allowed: use a whole number from 1 to 65535']);
  });

  it('names a bad LOCAL_API_KEYS entry by its position, never by its text', () => {
    const problems = problemsOf({ LOCAL_API_KEYS: '15550001111:long-enough-key,not-a-phone:secret-key-text' });
    expect(problems).toEqual(['LOCAL_API_KEYS entry 2 is not <6-15 digit phone number>:<key of 8 or more characters>']);
    expect(problems.join()).not.toContain('secret-key-text');
  });

  it('takes a relative LOCAL_STATE_DIR from the project root, whatever the working directory', () => {
    expect(parseLocalEnvironment({ LOCAL_STATE_DIR: 'tmp/state' }).stateDir).toBe(resolve(PROJECT_ROOT, 'tmp/state'));
    expect(parseLocalEnvironment({ LOCAL_STATE_DIR: '/var/tmp/state' }).stateDir).toBe('/var/tmp/state');
  });

  it('reports every mistake at once', () => {
    expect(problemsOf({ PORT: 'abc', RECEIVER_PORT: 'x', LOCAL_STATE_DIR: '' })).toHaveLength(3);
  });
});
