// npm start's live line: the totals since start, printed when they changed and never while idle.
import { describe, expect, it } from 'vitest';
import { DeliveryCounts, liveSummary, summaryLine } from '../../../infra/local/live-summary.js';

describe('the live summary', () => {
  it('prints the totals once after something changed and stays silent while nothing does', async () => {
    const counts = new DeliveryCounts();
    const lines: string[] = [];
    const summary = liveSummary(counts, (line) => lines.push(line), 60_000);

    summary.tick();
    counts.attempted('primary', true);
    counts.attempted('clone', false);
    counts.retryScheduled();
    summary.tick();
    summary.tick();
    counts.parked();
    summary.tick();
    await summary.stop();

    expect(lines).toEqual(['delivered 1 · failed 1 · retrying 1 · parked 0', 'delivered 1 · failed 1 · retrying 1 · parked 1']);
  });

  it('adds drained and dead-lettered copies to the line once there are any', () => {
    const counts = new DeliveryCounts();
    counts.drained();
    counts.deadLettered();
    expect(summaryLine(counts.totals)).toBe('delivered 0 · failed 0 · retrying 0 · parked 0 · drained 1 · dead-lettered 1');
  });
});
