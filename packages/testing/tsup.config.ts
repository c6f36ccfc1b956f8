import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base'

export default defineConfig([
  packageBuild({ entry: ['src/index.ts', 'src/conformance.ts'], external: ['vitest'] }),
  packageBuild({ entry: { 'bin/emulator': 'src/bin/emulator.ts' }, format: ['esm'], dts: false, clean: false, banner: { js: '#!/usr/bin/env node' } }),
])
