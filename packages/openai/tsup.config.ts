import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base'

// zod/mini bundled, as in core (see core's tsup.config.ts): no load of all of zod's modules on import.
// ESM split, so that `partial_images` streaming (an `import()`) stays out of what an app loads until used.
const noExternal = [/^zod(\/|$)/]
export default defineConfig([
  packageBuild({ noExternal, format: ['esm'], splitting: true }),
  packageBuild({ noExternal, format: ['cjs'], clean: false }),
])
