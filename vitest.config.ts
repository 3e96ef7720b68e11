import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Process tests start a whole server with its workers; on CI's two cores, loaded by other test
    // files, one can take longer than vitest's 5 s default without being wrong. Speed is measured
    // by the benchmarks, never by a test's timeout.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
