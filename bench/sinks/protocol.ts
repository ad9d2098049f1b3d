// Messages between a benchmark and its sink child process.

export interface SinkCommand {
  id: number;
  type: 'report' | 'reset';
  /** Include the count of every path (the end-to-end check); totals alone otherwise. */
  byPath?: boolean;
}

export interface SinkReport {
  id: number;
  total: number;
  byPath?: Record<string, number>;
  /** CPU time the sink process spent since it started: shows whether the sink limited a run. */
  cpuMs: number;
  wallMs: number;
}
