// A webhook receiver that accepts every request and answers only after a long wait: a hung primary.
import { startSink, type Sink } from '../../test/helpers/sink-server.js';

export async function startHungSink(answerAfterMs: number): Promise<Sink> {
  // Unref'd: a wait still running when the benchmark ends holds no process open; close() destroys its socket.
  return startSink({ reply: () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), answerAfterMs).unref()) });
}
