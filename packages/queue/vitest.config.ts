import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared'

export default mergeConfig(
  shared,
  defineConfig({
    // Every test file starts its own redis-server; one file at a time keeps the 2-core machine responsive.
    test: { fileParallelism: false, testTimeout: 30_000 },
  }),
)
