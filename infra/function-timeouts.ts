// Function timeouts without CDK types, so the local runtime (which must not load aws-cdk-lib) applies
// the same ones as the deployed stack.

/**
 * Up to 10 records per batch, each a primary attempt then clones in parallel, each attempt bounded
 * by DELIVERY_TIMEOUT_MS (at most 20 s): 60 s leaves room for the slowest batch plus S3 reads.
 */
export const DELIVERY_FUNCTION_TIMEOUT_SECONDS = 60;
