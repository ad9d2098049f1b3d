// AWS list prices, us-east-1, first pricing tier, no free tier (docs/performance.md shows the same table).

export const PRICES_USD = {
  /** API Gateway HTTP API (first 300 million requests a month; metered per 512 KB). */
  apiGatewayHttpPerMillionRequests: 1.0,
  /** Lambda invocations, x86 and Arm alike. */
  lambdaPerMillionRequests: 0.2,
  /** Lambda duration on Arm (Graviton), first 7.5 billion GB-s a month. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** SQS standard queue (after the first million a month); each 64 KB of a request's payload counts as one. */
  sqsPerMillionRequests: 0.4,
  /** DynamoDB on-demand; a strongly consistent read of up to 4 KB is one read request unit (eventually consistent: half). */
  dynamodbPerMillionReadUnits: 0.125,
  /** DynamoDB on-demand; a write of up to 1 KB is one write request unit (in a transaction: two). */
  dynamodbPerMillionWriteUnits: 0.625,
  /** CloudWatch Logs ingestion (standard class), per GB of uncompressed events. */
  cloudwatchLogsPerGb: 0.5,
  /** CloudWatch Logs storage, per GB-month (AWS measures it compressed; charged here on the ingested size). */
  cloudwatchLogsStoragePerGbMonth: 0.03,
  /** Data transfer out to the internet, first 10 TB a month (next 40 TB $0.085, next 100 TB $0.07, beyond $0.05). */
  dataTransferOutPerGb: 0.09,
  /** X-Ray traces recorded. */
  xrayPerMillionTracesRecorded: 5,
  /** X-Ray traces retrieved or scanned (the console's trace views and service map). */
  xrayPerMillionTracesRetrieved: 0.5,
  /** S3 Standard PUT requests. */
  s3PerMillionPuts: 5,
  /** S3 Standard GET requests. */
  s3PerMillionGets: 0.4,
  /** CloudWatch custom metrics (metric filters, EMF), per metric a month, first 10,000 metrics. */
  cloudwatchPerMetricMonth: 0.3,
  /** CloudWatch standard-resolution alarm, per metric a month. */
  cloudwatchPerAlarmMonth: 0.1,
} as const;

/**
 * Volume tiers a month, [up to this many units, price per unit]: API Gateway HTTP API per million
 * requests, data transfer out per GB.
 */
export const TIERS_USD = {
  apiGatewayHttpPerMillionRequests: [
    [300, 1.0],
    [Number.POSITIVE_INFINITY, 0.9],
  ],
  dataTransferOutPerGb: [
    [10 * 1024, 0.09],
    [50 * 1024, 0.085],
    [150 * 1024, 0.07],
    [Number.POSITIVE_INFINITY, 0.05],
  ],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

/** Where the prices come from; re-check them before quoting a figure to a customer. */
export const PRICES_SOURCE =
  'AWS list prices, us-east-1, as published for 2025-2026 (Lambda Arm, SQS standard, API Gateway HTTP API, DynamoDB on-demand after the Nov 2024 cut, CloudWatch Logs standard, data transfer out, X-Ray, S3 Standard, CloudWatch metrics and alarms)';
