import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as whole from './index'
import * as renderer from './renderer'

const here = dirname(fileURLToPath(import.meta.url))

/** Every module file `entry` reaches through its relative imports, and every package it names. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string) => {
    if (files.has(file)) return
    files.add(file)
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(
      /^(?:import|export)\s(?!type\b)[^'"]*from\s+'([^']+)'/gm,
    )) {
      if (specifier!.startsWith('.')) visit(join(dirname(file), `${specifier}.ts`))
      else packages.add(specifier!)
    }
  }
  visit(join(here, entry))
  return { files, packages }
}

describe('@llmkit/local/renderer', () => {
  it('exports the same renderer functions as the package', () => {
    for (const name of ['renderPng', 'renderScene', 'encodePng', 'parseScene', 'describeScene'] as const)
      expect(renderer[name]).toBe(whole[name])
  })

  it('leaves out the provider and @llmkit/core, so it loads fast (render threads load it)', () => {
    const { files, packages } = importGraph('renderer.ts')
    expect([...packages].filter((name) => !name.startsWith('node:'))).toEqual([])
    expect([...files].some((file) => file.endsWith('local-provider.ts'))).toBe(false)
    // The whole package does reach core: the check can see it.
    expect(importGraph('index.ts').packages.has('@llmkit/core')).toBe(true)
  })
})
