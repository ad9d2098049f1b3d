// A test stack and a loopback sink whose answers a test scripts per path (then 200), for one test file.
import { afterAll, beforeAll } from 'vitest';
import { startTestStack, type TestStack } from './local-stack.js';
import { startSink, type Sink, type SinkReply } from './sink-server.js';

export interface ScriptedStack {
  stack: TestStack;
  sink: Sink;
  /** Answers per sink path, used in order; once used up the path answers 200. */
  script: Map<string, SinkReply[]>;
}

/** Starts both before the file's tests and stops them after; read the fields inside tests. */
export function useScriptedStack(env: Record<string, string> = {}): ScriptedStack {
  const world = { script: new Map<string, SinkReply[]>() } as ScriptedStack;
  beforeAll(async () => {
    [world.stack, world.sink] = await Promise.all([startTestStack({ numbers: 0, env }), startSink()]);
    world.sink.replyByDefault((request) => world.script.get(request.path)?.shift() ?? { status: 200 });
  });
  afterAll(async () => {
    await Promise.all([world.stack?.stop(), world.sink?.close()]);
  });
  return world;
}
