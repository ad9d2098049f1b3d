import { defineConfig } from 'vitest/config';

// The SDK warns once per process that it will drop Node 20 in 2027; the notice is in the README.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' };

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
