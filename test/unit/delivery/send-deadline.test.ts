// One timer serves a sender's deadlines: each send still ends at its own time, and only once.
import { describe, expect, it } from 'vitest';
import { DeadlinePassed, SendDeadlines } from '../../../shared/delivery/send-deadline.js';

const endOf = (deadline: { onEnd(stop: () => void): void }) => new Promise<void>((resolve) => deadline.onEnd(resolve));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SendDeadlines', () => {
  it('ends a send that started later at its own time, not with an earlier one', async () => {
    const deadlines = new SendDeadlines(60);
    const first = deadlines.start(performance.now());
    await pause(40);
    const second = deadlines.start(performance.now());

    await endOf(first);
    expect(first.reason).toBeInstanceOf(DeadlinePassed);
    expect(second.reason).toBeUndefined();

    await endOf(second);
    expect(second.reason).toBeInstanceOf(DeadlinePassed);
    expect(second.reason?.message).toBe('no complete answer within 60 ms');
  });

  it('never ends a send that is over, and stops only what is still registered', async () => {
    const deadlines = new SendDeadlines(20);
    const over = deadlines.start(performance.now());
    const running = deadlines.start(performance.now());
    const stopped: string[] = [];
    over.onEnd(() => stopped.push('over'));
    const forgotten = () => stopped.push('forgotten');
    running.onEnd(forgotten);
    running.onEnd(() => stopped.push('request'));
    running.forget(forgotten);

    over.clear();
    await endOf(running);

    expect(over.reason).toBeUndefined();
    expect(stopped).toEqual(['request']);
  });

  it('ends every running send at once when the sender closes, each once', () => {
    const deadlines = new SendDeadlines(60_000);
    const sends = [deadlines.start(performance.now()), deadlines.start(performance.now())];
    let stops = 0;
    for (const send of sends) send.onEnd(() => stops++);
    const closed = new Error('closed');

    deadlines.endAll(closed);
    deadlines.endAll(new Error('again'));

    expect(sends.map((send) => send.reason)).toEqual([closed, closed]);
    expect(stops).toBe(2);
  });
});
