// Runs `npm start` as a user does, in a state directory of its own, and reads what it prints and leaves.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, readLocalStackFile, type LocalStackTarget } from '../../../infra/local/state-file.js';

/** Variables of the developer's shell that would change what the stack under test does. */
const STACK_VARIABLES =
  /^(PORT|RECEIVER_PORT|LOCAL_\w+|DESTINATION_POLICY|TABLE_NAME|DYNAMODB_ENDPOINT|SQS_ENDPOINT|WHATSAPP_\w+|DELIVERY_TIMEOUT_MS|RETRY_\w+|CONFIG_CACHE_SECONDS|SIGNING_\w+)$/;

export interface NpmStart {
  /** The npm process itself. */
  npm: ChildProcess;
  /** The process npm runs (node on infra/local/main.ts), from the state file once ready. */
  nodePid?: number;
  stateDir: string;
  stdout(): string;
  stderr(): string;
  /** Settles when npm has exited, with its exit code (null after a signal). */
  exited: Promise<number | null>;
  /** The banner and the state file, once the stack is up; rejects if npm exits first. */
  ready: Promise<{ banner: string; state: LocalStackTarget }>;
}

export function npmStart(env: Record<string, string> = {}, stateDir = mkdtempSync(join(tmpdir(), 'npm-start-'))): NpmStart {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !STACK_VARIABLES.test(name)));
  const npm = spawn('npm', ['start'], {
    cwd: PROJECT_ROOT,
    env: { ...inherited, npm_config_update_notifier: 'false', PORT: '0', LOCAL_STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own, as a terminal gives a command: a test can signal the whole group like Ctrl+C.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  npm.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const ready = new Promise<{ banner: string; state: LocalStackTarget }>((resolve, reject) => {
    const check = () => {
      if (!stdout.includes('stops everything.')) return;
      npm.stdout!.off('data', check);
      const state = readLocalStackFile(stateDir);
      if (!state) reject(new Error(`npm start printed its banner but left no state file in ${stateDir}`));
      else {
        run.nodePid = state.pid;
        resolve({ banner: stdout, state: state as LocalStackTarget });
      }
    };
    npm.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`npm start exited (${code}) before its banner:\n${stdout}\n${stderr}`)));
  });
  ready.catch(() => undefined);
  const run: NpmStart = { npm, stateDir, stdout: () => stdout, stderr: () => stderr, exited, ready };
  return run;
}

/** Stops the stack as a user would (SIGTERM to the process npm runs) and waits for npm to exit. */
export async function stop(run: NpmStart): Promise<void> {
  if (run.nodePid !== undefined && isAlive(run.nodePid)) process.kill(run.nodePid, 'SIGTERM');
  await run.exited;
}

/** After a test: whatever is still running of this start is killed (DynamoDB Local's watchdog follows its parent). */
export async function cleanUp(run: NpmStart | undefined, options: { keepStateDir?: boolean } = {}): Promise<void> {
  if (!run) return;
  if (run.nodePid !== undefined && isAlive(run.nodePid)) process.kill(run.nodePid, 'SIGKILL');
  if (run.npm.exitCode === null && run.npm.signalCode === null) {
    run.npm.kill('SIGKILL');
    await run.exited;
  }
  if (!options.keepStateDir) rmSync(run.stateDir, { recursive: true, force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
