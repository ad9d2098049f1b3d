// A benchmark's helper process (a sink, an outside world): forked with the benchmark's own loader,
// asked over IPC, each answer matched to its command by id.
import { fork } from 'node:child_process';
import { once } from 'node:events';

export interface Child<Command, Answer> {
  /** Sends a command and resolves with the answer that carries its id. */
  ask(command: Command): Promise<Answer>;
  stop(): Promise<void>;
}

/** Forks `module`, waits for its first message (what it says once ready) and resolves with both. */
export async function forkChild<Command, Answer extends { id: number }, Ready>(
  module: URL,
  env?: NodeJS.ProcessEnv,
): Promise<{ child: Child<Command, Answer>; ready: Ready }> {
  // fork inherits this process's execArgv, so the tsx loader that runs the benchmark also runs the child.
  const child = fork(module, [], { ...(env && { env }), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [ready] = (await once(child, 'message')) as [Ready];
  let nextId = 1;
  const pending = new Map<number, (answer: Answer) => void>();
  child.on('message', (answer: Answer) => {
    pending.get(answer.id)?.(answer);
    pending.delete(answer.id);
  });
  return {
    ready,
    child: {
      ask: (command) =>
        new Promise((resolve) => {
          const id = nextId++;
          pending.set(id, resolve);
          child.send({ ...command, id });
        }),
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill();
        await exited;
      },
    },
  };
}
