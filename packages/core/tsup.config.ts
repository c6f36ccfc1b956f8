import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base'

const nodePlatform = fileURLToPath(new URL('./src/platform/node', import.meta.url))
const webPlatform = fileURLToPath(new URL('./src/platform/web.ts', import.meta.url))

// zod/mini is bundled (tree-shaken, ~30 KiB): importing any zod entry makes Node load all of zod's modules,
// locales included (~90 ms). Schemas made by the app's or a plugin's own zod are parsed through their own `_zod`.
const noExternal = [/^zod(\/|$)/]

export default defineConfig([
  packageBuild({ noExternal }),
  // The build bundlers get for browsers and edge runtimes (package.json's non-`node` export):
  // src/platform/node.ts (undici, DNS, the file system) replaced by src/platform/web.ts.
  packageBuild({
    entry: { 'index.web': 'src/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    noExternal,
    platform: 'neutral',
    target: 'es2022',
    esbuildPlugins: [
      {
        name: 'web-platform',
        setup(build) {
          build.onResolve({ filter: /\/node$/ }, (args) =>
            resolve(args.resolveDir, args.path) === nodePlatform ? { path: webPlatform } : undefined,
          )
        },
      },
    ],
  }),
])
