import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `integration` shares one real environment
// (kube-apiserver, Kafka, Redis) started once by test/env/global-setup.ts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Projects with different maxWorkers need distinct group orders: unit tests run first.
          sequence: { groupOrder: 0 },
          include: ['operator/**/*.test.ts', 'runtime/**/*.test.ts', 'crds/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/env/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
