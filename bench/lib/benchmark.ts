// What every benchmark module exports, and what it is given.

export interface BenchContext {
  /** One tiny iteration of everything: keeps the script working in CI, measures nothing. */
  smoke: boolean;
  /** The run's DynamoDB Local (in memory); each benchmark makes its own table. */
  dynamodbEndpoint: string;
}

/** A benchmark returns result keys (see results.ts) plus any detail worth keeping. */
export type Benchmark = (context: BenchContext) => Promise<Record<string, unknown>>;

/** Progress on stderr: stdout of a benchmark process carries the product's JSON logs and is discarded. */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}
