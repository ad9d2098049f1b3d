// Where `npm start` leaves its pid and endpoints, so the CLI finds the running local stack from any folder.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LocalStackTarget {
  /** The `npm start` process (node running infra/local/main.ts), the one to signal to stop the stack. */
  pid: number;
  apiUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  /** The SQS/S3 emulator, the queue URLs and the bucket (`dlq`, `smoke`); absent in files written by older versions. */
  sqsEndpoint?: string;
  region?: string;
  queues?: Record<string, string>;
  /** The local app secret the stack verifies Meta's signature with (the banner prints it too), for `smoke`. */
  appSecret?: string;
}

/** The project root, two folders above this file: the same from every working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const DEFAULT_STATE_DIR = '.local-state';

/** LOCAL_STATE_DIR as `npm start` and the CLI both read it: a relative path is taken from the project root, not the working directory. */
export function stateDirectory(localStateDir: string | undefined): string {
  return resolve(PROJECT_ROOT, localStateDir ?? DEFAULT_STATE_DIR);
}

export function localStackFile(stateDir: string): string {
  return resolve(stateDir, 'local-stack.json');
}

/** Writes the file and returns what removes it; the file is also removed if the process exits without calling that. */
export function writeLocalStackFile(stateDir: string, target: LocalStackTarget): () => void {
  const file = localStackFile(stateDir);
  // Owner-only: it holds the local app secret.
  writeFileSync(file, `${JSON.stringify(target, null, 2)}\n`, { mode: 0o600 });
  const remove = () => {
    process.off('exit', remove);
    rmSync(file, { force: true });
  };
  process.on('exit', remove);
  return remove;
}

/**
 * The local signing master key: generated on the first `npm start` and kept in the state folder
 * (readable by its owner only), so the sealed secrets in DynamoDB Local open after a restart.
 */
export function localSigningMasterKey(stateDir: string): string {
  const file = resolve(stateDir, 'signing-master-key');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}

export function readLocalStackFile(stateDir: string): Partial<LocalStackTarget> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(localStackFile(stateDir), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<LocalStackTarget>) : undefined;
  } catch {
    return undefined;
  }
}

export type LocalStackStatus =
  | { state: 'running'; file: string; target: LocalStackTarget }
  /** A file left by a stack that did not stop cleanly (killed, crashed, machine restarted). */
  | { state: 'stale'; file: string; reason: string }
  | { state: 'absent'; file: string };

/** Whether the state file describes a stack that is running now: its process alive and its DynamoDB answering. */
export async function findLocalStack(stateDir: string): Promise<LocalStackStatus> {
  const file = localStackFile(stateDir);
  const target = readLocalStackFile(stateDir);
  if (!target) return { state: 'absent', file };
  const { pid, apiUrl, dynamodbEndpoint, tableName } = target;
  if (typeof pid !== 'number' || typeof apiUrl !== 'string' || typeof dynamodbEndpoint !== 'string' || typeof tableName !== 'string') {
    return { state: 'stale', file, reason: 'it is incomplete (written by an older version, or cut short)' };
  }
  if (!isProcessAlive(pid)) return { state: 'stale', file, reason: `its process ${pid} has ended` };
  // A pid can be reused by an unrelated process after a crash; the endpoint tells.
  if (!(await answers(dynamodbEndpoint)))
    return { state: 'stale', file, reason: `nothing answers at its DynamoDB endpoint ${dynamodbEndpoint}` };
  return { state: 'running', file, target: { ...target, pid, apiUrl, dynamodbEndpoint, tableName } };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether something accepts a TCP connection at the URL's host and port within a second. */
export function answers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || (protocol === 'https:' ? 443 : 80)) });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
