import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base'

// zod/mini bundled, as in core (see core's tsup.config.ts): no load of all of zod's modules on import.
export default defineConfig(packageBuild({ noExternal: [/^zod(\/|$)/] }))
