import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared'

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // The end-to-end tests spawn the built bin: rebuild it first when it is missing or older than src/.
      globalSetup: ['test/global-setup.ts'],
      testTimeout: 30_000,
    },
  }),
)
