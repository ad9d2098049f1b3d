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
  /** DynamoDB on-demand; a strongly consistent read of up to 4 KB is one read request unit. */
  dynamodbPerMillionReadUnits: 0.125,
  /** CloudWatch Logs ingestion (standard class), reported beside the total, not in it. */
  cloudwatchLogsPerGb: 0.5,
} as const;

/** Where the prices come from; re-check them before quoting a figure to a customer. */
export const PRICES_SOURCE =
  'AWS list prices, us-east-1, as published for 2025-2026 (Lambda Arm, SQS standard, API Gateway HTTP API, DynamoDB on-demand after the Nov 2024 cut, CloudWatch Logs standard)';
