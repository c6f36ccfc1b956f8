import { defineConfig } from 'vitest/config'

/** Tests run against each workspace package's TypeScript source (the `@llmkit/source` export condition). */
export default defineConfig({
  resolve: { conditions: ['@llmkit/source'] },
  ssr: { resolve: { conditions: ['@llmkit/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    restoreMocks: true,
  },
})
