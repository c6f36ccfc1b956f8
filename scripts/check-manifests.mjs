#!/usr/bin/env node
// The publishing conventions every package under packages/ follows (run by .ci/run).
// A new package: copy packages/openai/package.json and adjust name, description, keywords, directory.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
// The one place the repository's address is written: the root package.json (every package's must match it).
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const REPO = String(rootManifest.repository?.url ?? '')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '')
if (!REPO.startsWith('https://')) throw new Error('the root package.json needs repository.url (git+https://….git)')
const problems = []
const hasSource = (value) => JSON.stringify(value ?? {}).includes('@llmkit/source')

for (const dir of readdirSync(join(root, 'packages'))) {
  const file = join(root, 'packages', dir, 'package.json')
  if (!existsSync(file)) continue
  const p = JSON.parse(readFileSync(file, 'utf8'))
  if (p.private) continue
  const bad = (what) => problems.push(`packages/${dir}: ${what}`)
  if (!p.name?.startsWith('@llmkit/'))
    bad(`name ${p.name} is not under the @llmkit scope (unscoped names are not ours)`)
  if (p.license !== 'MIT') bad('license is not MIT')
  if (!existsSync(join(root, 'packages', dir, 'LICENSE'))) bad('no LICENSE file (copy the root one)')
  if (!existsSync(join(root, 'packages', dir, 'README.md'))) bad('no README.md')
  for (const f of ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE']) if (!p.files?.includes(f)) bad(`files lacks ${f}`)
  if (p.repository?.url !== `git+${REPO}.git` || p.repository?.directory !== `packages/${dir}`)
    bad(`repository must be { type: git, url: git+${REPO}.git, directory: packages/${dir} }`)
  if (p.homepage !== `${REPO}/tree/main/packages/${dir}#readme`)
    bad(`homepage must be ${REPO}/tree/main/packages/${dir}#readme`)
  if (p.bugs?.url !== `${REPO}/issues`) bad(`bugs.url must be ${REPO}/issues`)
  if (!p.keywords?.length) bad('keywords are required')
  if (p.publishConfig?.access !== 'public') bad('publishConfig.access must be public')
  if (hasSource(p.exports) && (!p.publishConfig?.exports || hasSource(p.publishConfig.exports)))
    bad('the @llmkit/source condition must not ship: give publishConfig.exports without it')
  const subpaths = Object.keys(p.exports ?? {}).filter((k) => k !== '.' && k !== './package.json')
  for (const s of subpaths)
    if (!p.typesVersions?.['*']?.[s.slice(2)]) bad(`subpath ${s} needs a typesVersions entry (node10 resolution)`)
  for (const dep of ['@llmkit/core', 'zod']) {
    if (p.dependencies?.[dep] && p.name !== '@llmkit/sdk')
      bad(`${dep} must be a peerDependency (plus a devDependency), not a dependency: one copy per app`)
    if (p.peerDependencies?.[dep] && !p.devDependencies?.[dep])
      bad(`peer ${dep} also needs a devDependency in the workspace`)
  }
  for (const [dep, range] of Object.entries(p.peerDependencies ?? {})) {
    if (dep.startsWith('@llmkit/') && range !== 'workspace:>=0.1.0 <1')
      bad(`peer ${dep} must be 'workspace:>=0.1.0 <1' (see .changeset/README.md)`)
  }
}

if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('manifests: ok')
