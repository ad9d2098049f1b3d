// A run reduced to plain figures (it crosses a process boundary): latencies, peaks, fates, bills.
import { PLATFORM_LOG_BYTES_PER_INVOCATION, SQS, type Measured } from './config.js';
import { billPerMillion, type Bill } from './cost.js';
import { emptyTally, sumTallies, type Tally } from './metrics.js';
import { COST_CLASSES, type TrafficClass } from './receivers.js';
import type { DesignName, DesignRun } from './scenario.js';
import { round } from '../lib/stats.js';
import { TRAFFIC_CLASSES } from './world.js';

export interface ClassSummary {
  notifications: number;
  delivered: number;
  dead_lettered: number;
  waiting: number;
  lost: number;
  /** Of the lost: still waiting although past the retry window plus one backoff step. */
  overdue: number;
  attempts_per_notification: number;
  duplicates: number;
  parks: number;
  p50_s: number;
  p99_s: number;
  /** Everything these notifications cost, ingest included. */
  usd_per_million: number | undefined;
  /** What their receivers' behaviour costs: all of it but the ingest every notification pays alike. */
  delivery_usd_per_million: number | undefined;
  /**
   * The same over whole lives: notifications ingested early enough that each was delivered or
   * dead-lettered by the end (the long run only), with their share of the per-destination work.
   */
  life_cycle:
    | {
        notifications: number;
        delivered: number;
        dead_lettered: number;
        usd_per_million: number | undefined;
        delivery_usd_per_million: number | undefined;
      }
    | undefined;
}

export interface RunSummary {
  design: DesignName;
  scenario: string;
  rate: number;
  simulated_seconds: number;
  max_concurrency: number;
  healthy_p99_s: number;
  healthy_p50_s: number;
  peak_in_flight: number;
  max_in_flight_share: number;
  /** Hours until a queue first held 120,000 messages in flight (receives then return nothing). */
  in_flight_quota_reached_after_h: number | undefined;
  /** Peak concurrent invocations of the fast lane (notifications queue) and of the slow lane (retries queue). */
  peak_concurrency: { fast: number; slow: number };
  lost: number;
  usd_per_million: number;
  bill_per_million: Bill['breakdown'];
  classes: Record<TrafficClass, ClassSummary>;
  poison: { injected: number; dead_lettered: number; max_receives: number; max_minutes_to_dlq: number };
  max_give_up_delay_s: number;
  redriven_notifications: number;
  design_detail: Record<string, number>;
  events: number;
  wall_seconds: number;
}

export function summarize(run: DesignRun, measured: Measured): RunSummary {
  const classes = Object.fromEntries(
    TRAFFIC_CLASSES.map((kind) => {
      const tally = sumTallies([run.tallies[kind], run.cohort[kind], run.overhead[kind]]);
      const latency = run.latency[kind];
      const summary: ClassSummary = {
        notifications: tally.notifications,
        delivered: tally.delivered,
        dead_lettered: tally.deadLettered,
        waiting: run.waiting[kind],
        lost: run.lost[kind],
        overdue: run.overdue[kind],
        attempts_per_notification: round(tally.attempts / Math.max(1, tally.notifications), 3),
        duplicates: tally.duplicates,
        parks: tally.parks,
        p50_s: round(latency.quantile(0.5), 3),
        p99_s: round(latency.quantile(0.99), 3),
        usd_per_million: billPerMillion(tally, measured)?.total,
        delivery_usd_per_million: beyondIngest(tally, measured),
        life_cycle: lifeCycle(run, kind, measured),
      };
      return [kind, summary];
    }),
  ) as Record<TrafficClass, ClassSummary>;
  // Everything billed, the poison records' share included, per million notifications ingested.
  const all = sumTallies(COST_CLASSES.flatMap((kind) => [run.tallies[kind], run.cohort[kind], run.overhead[kind]]));
  all.notifications = TRAFFIC_CLASSES.reduce((sum, kind) => sum + run.tallies[kind].notifications + run.cohort[kind].notifications, 0);
  const bill = billPerMillion(all, measured)!;
  return {
    design: run.design,
    scenario: run.scenario.key,
    rate: run.scenario.rate,
    simulated_seconds: run.scenario.durationSeconds,
    max_concurrency: run.scenario.maxConcurrency,
    healthy_p99_s: classes.healthy.p99_s,
    healthy_p50_s: classes.healthy.p50_s,
    peak_in_flight: run.peakInFlight,
    max_in_flight_share: round(run.peakInFlight / SQS.inFlightQuota, 4),
    in_flight_quota_reached_after_h: run.quotaReachedAt === undefined ? undefined : round(run.quotaReachedAt / 3600, 1),
    peak_concurrency: run.peakConcurrency,
    lost: TRAFFIC_CLASSES.reduce((sum, kind) => sum + run.lost[kind], 0),
    usd_per_million: bill.total,
    bill_per_million: bill.breakdown,
    classes,
    poison: {
      injected: run.poisonInjected,
      dead_lettered: run.stats.poisonRedriven,
      max_receives: run.stats.poisonMaxReceives,
      max_minutes_to_dlq: round(run.stats.poisonMaxSecondsToDlq / 60, 1),
    },
    max_give_up_delay_s: round(run.stats.maxOverdueSeconds),
    redriven_notifications: run.stats.redrivenNotifications,
    design_detail: run.details,
    events: run.events,
    wall_seconds: round(run.wallSeconds, 1),
  };
}

/** The class's bill minus what ingest costs for the same notifications (API Gateway, ingest, its send and logs). */
function beyondIngest(tally: Tally, measured: Measured): number | undefined {
  const all = billPerMillion(tally, measured);
  if (!all) return undefined;
  const n = tally.notifications;
  const ingestOnly = {
    ...emptyTally(),
    notifications: n,
    sqsRequests: n,
    logBytes: n * (measured.logBytesPerNotification + PLATFORM_LOG_BYTES_PER_INVOCATION),
  };
  return round(all.total - billPerMillion(ingestOnly, measured)!.total, 4);
}

function lifeCycle(run: DesignRun, kind: TrafficClass, measured: Measured): ClassSummary['life_cycle'] {
  const cohort = run.cohort[kind];
  if (cohort.notifications === 0) return undefined;
  const share = cohort.notifications / (cohort.notifications + run.tallies[kind].notifications);
  const overhead = run.overhead[kind];
  const tally = { ...cohort };
  for (const key of Object.keys(tally) as (keyof Tally)[]) tally[key] += overhead[key] * share;
  return {
    notifications: cohort.notifications,
    delivered: cohort.delivered,
    dead_lettered: cohort.deadLettered,
    usd_per_million: billPerMillion(tally, measured)?.total,
    delivery_usd_per_million: beyondIngest(tally, measured),
  };
}

/** What a class's receivers cost beyond ingest: over whole lives where the run has them, else within the run. */
export function receiverCost(summary: ClassSummary): number | undefined {
  return summary.life_cycle?.delivery_usd_per_million ?? summary.delivery_usd_per_million;
}
