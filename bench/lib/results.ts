// The shape of bench/results.json: the keys at the top, the detail of each benchmark below them.

export interface Results {
  date: string;
  smoke: boolean;
  machine: ReturnType<typeof import('./machine.js').machineInfo>;
  delivery_vs_raw_http_ratio: number;
  latency_3_clones_over_ideal: number;
  latency_by_clones_ms: Record<'0' | '1' | '2' | '3', number>;
  cap_race_winners: number;
  cap_race_stored: number;
  max_bundle_kb: number;
  init_ms_by_function: Record<string, number>;
  dynamodb_calls_per_notification: number;
  sqs_calls_per_notification: number;
  usd_per_million_notifications: number;
  usd_floor_sqs_lambda_per_million: number;
  local_stack_notifications_per_s: number;
  [detail: string]: unknown;
}

/** The keys issue 6 asks for; a results.json that lacks one is never written. */
const REQUIRED_KEYS = [
  'delivery_vs_raw_http_ratio',
  'latency_3_clones_over_ideal',
  'latency_by_clones_ms',
  'cap_race_winners',
  'max_bundle_kb',
  'init_ms_by_function',
  'dynamodb_calls_per_notification',
  'sqs_calls_per_notification',
  'usd_per_million_notifications',
  'local_stack_notifications_per_s',
] as const;

export function checkedResults(value: Record<string, unknown>): Results {
  const missing = REQUIRED_KEYS.filter((key) => value[key] === undefined);
  if (missing.length > 0) throw new Error(`results lack ${missing.join(', ')}`);
  return value as Results;
}
