// What the services need of a tracer: the SDK clients captured, and each delivery attempt in a
// subsegment of its own. The Powertools implementation is in powertools-tracing.ts, loaded by
// load-tracing.ts for the functions that trace (and only where they can), so the X-Ray SDK stays
// out of the other bundles and out of processes that do not trace.

export interface Tracing {
  /** The client, with a subsegment per AWS call (unchanged when tracing is off). */
  captureClient<T>(client: T): T;
  /** Runs `work` in a subsegment named `name`, annotated with what `annotate` says of its result. */
  subsegment<T>(name: string, work: () => Promise<T>, annotate: (result: T) => Record<string, string | number | boolean>): Promise<T>;
}
