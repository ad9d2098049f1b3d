import { defineConfig } from 'vitest/config';

// The SDK warns once per process that it will drop Node 20 in 2027; the notice is in the README.
// test.env reaches only the test workers; the global setup's clients run in this process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
/** POWERTOOLS_LOG_LEVEL=INFO npm test shows the product's log lines while debugging a test. */
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR' };

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        // Pure code: no emulator, no Java, answers in seconds (npm run test:unit).
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], env },
      },
      {
        // Adapters, the local runtime, end-to-end paths and the CDK stack, against the run's emulators.
        test: {
          name: 'stack',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env,
        },
      },
    ],
  },
});
