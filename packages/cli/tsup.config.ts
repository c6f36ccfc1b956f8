import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base'

export default defineConfig([
  // The library entry (`run(argv, io)`), ESM + CJS + types like every package.
  packageBuild({ clean: false }),
  // The `llmkit` bin: ESM only, keeps its `#!/usr/bin/env node` line (tsup marks it executable).
  packageBuild({ entry: ['src/bin.ts'], format: ['esm'], dts: false, clean: false }),
])
