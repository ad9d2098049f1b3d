// The variables only `npm start` reads (the product's own are in shared/config.ts), checked before anything starts.
import { InvalidEnvironment } from '../../shared/config.js';
import { parseApiKeys } from './local-stack.js';
import { stateDirectory } from './state-file.js';

export interface LocalEnvironment {
  /** PORT: the local API's port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** RECEIVER_PORT: the port of the banner's receiver; undefined when unset (9000, or a free one if 9000 is taken). */
  receiverPort: number | undefined;
  /** LOCAL_STATE_DIR, absolute: a relative path is taken from the project root. */
  stateDir: string;
}

export const DEFAULT_PORT = 3000;

/** Throws InvalidEnvironment with one sentence per mistake, worded like shared/config.ts's. */
export function parseLocalEnvironment(env: Readonly<Record<string, string | undefined>>): LocalEnvironment {
  const problems: string[] = [];
  const port = portNumber(env, 'PORT', { min: 0, note: ' (0 picks a free port)' }, problems) ?? DEFAULT_PORT;
  const receiverPort = portNumber(env, 'RECEIVER_PORT', { min: 1, note: '' }, problems);
  if (env.LOCAL_STATE_DIR === '') problems.push('LOCAL_STATE_DIR must not be empty');
  try {
    parseApiKeys(env.LOCAL_API_KEYS ?? '');
  } catch (error) {
    // parseApiKeys names the entry's position, never its text: it holds a key.
    problems.push((error as Error).message.replace(/\.$/, ''));
  }
  if (problems.length > 0) throw new InvalidEnvironment(problems);
  return { port, receiverPort, stateDir: stateDirectory(env.LOCAL_STATE_DIR) };
}

/** A TCP port from `min` to 65535 in decimal digits, or undefined when the variable is unset. */
function portNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  allowed: { min: number; note: string },
  problems: string[],
): number | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (port >= allowed.min && port <= 65535) return port;
  problems.push(`${name}=${JSON.stringify(raw)} is not allowed: use a whole number from ${allowed.min} to 65535${allowed.note}`);
  return undefined;
}
