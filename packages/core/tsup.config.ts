import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'tsup'
import { packageBuild } from '../../tsup.config.base'

const nodePlatform = fileURLToPath(new URL('./src/platform/node', import.meta.url))
const webPlatform = fileURLToPath(new URL('./src/platform/web.ts', import.meta.url))

// zod/mini is bundled (tree-shaken, ~30 KiB): importing any zod entry makes Node load all of zod's modules,
// locales included (~90 ms). Schemas made by the app's or a plugin's own zod are parsed through their own `_zod`.
const noExternal = [/^zod(\/|$)/]

// ESM is split where core loads a path on first use (`import()`: job polling, downloads, save, the fetch
// fallback): the chunks an app never needs are never loaded, and an app's bundler leaves them out of what it loads.
export default defineConfig([
  packageBuild({ noExternal, format: ['esm'], splitting: true }),
  packageBuild({ noExternal, format: ['cjs'], clean: false }),
  // The build bundlers get for browsers and edge runtimes (package.json's non-`node` export):
  // src/platform/node.ts (undici, DNS, the file system) replaced by src/platform/web.ts.
  packageBuild({
    entry: { 'index.web': 'src/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    splitting: true,
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
