// Holds every thread of libuv's pool (the one getaddrinfo, fs and crypto share) without using CPU, until released.
import { execFileSync } from 'node:child_process';
import { close, closeSync, constants, mkdtempSync, open, openSync, rmSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextLoopTurn } from 'node:timers/promises';

export interface HeldThreadPool {
  /** True while a pool task queued behind the held threads has not run: the pool really is full. */
  isHeld(): boolean;
  release(): Promise<void>;
}

/**
 * Opening a FIFO for reading blocks until someone opens it for writing, so each open parks one
 * pool thread in open(2). Release opens the writing end from the main thread (non-blocking, so it
 * needs no pool thread), which lets every parked open finish.
 */
export async function holdThreadPool(): Promise<HeldThreadPool> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const dir = mkdtempSync(join(tmpdir(), 'held-pool-'));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const readers = Array.from(
    { length: threads },
    () => new Promise<number>((resolve, reject) => open(fifo, 'r', (error, fd) => (error ? reject(error) : resolve(fd)))),
  );
  let probeRan = false;
  const probe = access(dir).then(() => void (probeRan = true));
  return {
    isHeld: () => !probeRan,
    release: async () => {
      const writer = await openWriter(fifo);
      try {
        for (const fd of await Promise.all(readers)) close(fd, () => undefined);
        await probe;
      } finally {
        closeSync(writer);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** ENXIO means no reader has reached open(2) yet; the pool picks them up within a few loop turns. */
async function openWriter(fifo: string): Promise<number> {
  for (;;) {
    try {
      return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      await nextLoopTurn();
    }
  }
}
