import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base'

export default defineConfig([
  // shims: the CommonJS build needs `import.meta.url` (the render pool resolves the built renderer from it).
  packageBuild({ entry: ['src/index.ts'], external: ['vitest'], shims: true }),
  // ESM only: vitest cannot be loaded with require(), so neither can the suite that calls it.
  packageBuild({ entry: ['src/conformance.ts'], format: ['esm'], external: ['vitest'], clean: false }),
  packageBuild({
    entry: { 'bin/emulator': 'src/bin/emulator.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    banner: { js: '#!/usr/bin/env node' },
  }),
])
