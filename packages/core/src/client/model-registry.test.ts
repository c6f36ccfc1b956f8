import { describe, expect, it } from 'vitest'
import { LLMKitError } from '../errors/llmkit-error'
import type { ImageModelInfo } from '../provider/image-model-info'
import type { ImageProvider } from '../provider/image-provider'
import { LLMKitClient } from './llmkit-client'
import { ModelRegistry } from './model-registry'
import { providerHint } from '../provider/provider-hint'

function model(id: string, extra: Partial<ImageModelInfo> = {}): ImageModelInfo {
  return {
    id,
    maxImagesPerCall: 1,
    sizes: { range: { min: 256, max: 2048 } },
    supports: { formats: ['url'] },
    ...extra,
  }
}

function provider(id: string, models: ImageModelInfo[], extra: Partial<ImageProvider> = {}): ImageProvider {
  return { id, models, generate: async () => ({ images: [] }), ...extra }
}

const fal = provider('fal', [
  model('fal-ai/flux/dev', { aliases: ['flux-dev'] }),
  model('fal-ai/flux/schnell'),
  model('fal-ai/internal', { routesWithoutPrefix: false }),
])
const replicate = provider('replicate', [model('black-forest-labs/flux-schnell', { routesWithoutPrefix: false })], {
  resolveModel: (id) => (/^[\w-]+\/[\w.-]+$/.test(id) ? model(id, { displayName: `dynamic ${id}` }) : undefined),
})
const sketch = provider('local', [model('sketch')])

// What the umbrella package knows of the official providers, as their own metadata gives it.
const openai = provider('openai', [model('dall-e-3'), model('dall-e-2')], {
  setup: { packageName: '@llmkit/openai' },
  env: { apiKey: ['OPENAI_API_KEY'] },
})
const recraft = provider('recraft', [model('recraft-v3')], {
  setup: { packageName: '@llmkit/recraft' },
  env: { apiKey: ['RECRAFT_API_TOKEN'] },
})
const HINTS = [providerHint(openai), providerHint(recraft)]

function registry(...providers: ImageProvider[]): ModelRegistry {
  const result = new ModelRegistry(HINTS)
  for (const p of providers) result.register(p)
  return result
}

function unknownModel(fn: () => unknown): LLMKitError {
  try {
    fn()
  } catch (error) {
    if (!LLMKitError.isInstance(error)) throw error
    expect(error.code).toBe('unknown_model')
    return error
  }
  throw new Error('expected unknown_model, nothing was thrown')
}

describe('ModelRegistry routing', () => {
  const routes = registry(fal, replicate, sketch)

  it('routes a bare id, an alias and a provider:model id', () => {
    expect(routes.resolve('fal-ai/flux/dev').model.id).toBe('fal-ai/flux/dev')
    expect(routes.resolve('flux-dev').model.id).toBe('fal-ai/flux/dev')
    const prefixed = routes.resolve('fal:fal-ai/flux/schnell')
    expect([prefixed.provider.id, prefixed.model.id]).toEqual(['fal', 'fal-ai/flux/schnell'])
    expect(routes.resolve('local:sketch').provider).toBe(sketch)
  })

  it('ignores case in ids, aliases and the provider prefix', () => {
    expect(routes.resolve('FAL-AI/Flux/Dev').model.id).toBe('fal-ai/flux/dev')
    expect(routes.resolve('Flux-Dev').model.id).toBe('fal-ai/flux/dev')
    expect(routes.resolve('FAL:fal-ai/flux/schnell').model.id).toBe('fal-ai/flux/schnell')
  })

  it('reaches routesWithoutPrefix:false models only with the prefix', () => {
    expect(routes.resolve('fal:fal-ai/internal').model.id).toBe('fal-ai/internal')
    const error = unknownModel(() => routes.resolve('fal-ai/internal'))
    expect(error.message).toContain('Unknown model "fal-ai/internal"')
    expect(error.message).toContain('Did you mean')
    expect(error.message).toContain('fal:fal-ai/internal')
  })

  it('asks the provider resolveModel hook for ids outside its catalog, with the prefix only', () => {
    const resolved = routes.resolve('replicate:stability-ai/sdxl')
    expect(resolved.provider).toBe(replicate)
    expect(resolved.model.id).toBe('stability-ai/sdxl')
    expect(resolved.model.displayName).toBe('dynamic stability-ai/sdxl')
    unknownModel(() => routes.resolve('stability-ai/sdxl'))
  })

  it.each(['../..', 'owner/../../admin', 'owner/%2e%2e', 'owner/name%2Fx', './x', 'owner//name'])(
    'refuses the dynamic id replicate:%s with invalid_request, before resolveModel sees it',
    (id) => {
      let seen = 0
      const guarded = provider('replicate', [], {
        modelIdGrammar: 'owner/name',
        resolveModel: (value) => {
          seen++
          return model(value)
        },
      })
      const registry = new ModelRegistry()
      registry.register(guarded)
      let error: unknown
      try {
        registry.resolve(`replicate:${id}`)
      } catch (caught) {
        error = caught
      }
      expect(LLMKitError.isInstance(error) && [error.code, error.model]).toEqual(['invalid_request', `replicate:${id}`])
      expect((error as Error).message).toContain('it must look like owner/name, each part between slashes made of')
      expect(seen).toBe(0)
    },
  )

  it('names the registered providers for an unknown prefix', () => {
    const error = unknownModel(() => routes.resolve('nope:some-model'))
    expect(error.message).toBe(
      'No provider "nope" is registered (model "nope:some-model"). Registered providers: fal, replicate, local',
    )
  })

  it('says what to install and set for a known but unregistered prefix', () => {
    const error = unknownModel(() => routes.resolve('openai:dall-e-3'))
    expect(error.message).toContain('Install @llmkit/openai and set OPENAI_API_KEY.')
  })

  it('suggests a close match for an unknown model', () => {
    const error = unknownModel(() => routes.resolve('fal-ai/flux/schnel'))
    expect(error.message).toMatch(/^Unknown model "fal-ai\/flux\/schnel"\. Did you mean fal-ai\/flux\/schnell/)
    expect(error.message).toContain('Registered providers: fal, replicate, local')
    expect(error.model).toBe('fal-ai/flux/schnel')
  })

  it('suggests a close match inside a prefixed provider', () => {
    const error = unknownModel(() => routes.resolve('local:sketchy'))
    expect(error.message).toBe('local has no model "sketchy". Did you mean local:sketch? Its models: sketch')
    expect(error.provider).toBe('local')
  })

  it('names the missing key for a documented model of an unregistered provider', () => {
    const error = unknownModel(() => routes.resolve('dall-e-3'))
    expect(error.message).toBe(
      'dall-e-3 is served by openai, which is not configured: set OPENAI_API_KEY (and install @llmkit/openai if it is not installed). Registered providers: fal, replicate, local',
    )
    expect(unknownModel(() => registry().resolve('recraft-v3')).message).toContain('set RECRAFT_API_TOKEN')
    expect(unknownModel(() => registry().resolve('dall-e-3')).message).toContain('Registered providers: (none)')
  })

  it('knows no provider by name without hints', () => {
    expect(unknownModel(() => new ModelRegistry().resolve('dall-e-3')).message).toBe(
      'Unknown model "dall-e-3". Registered providers: (none). Use provider:model to pick a provider explicitly',
    )
    expect(unknownModel(() => new ModelRegistry().resolve('openai:dall-e-3')).message).toBe(
      'No provider "openai" is registered (model "openai:dall-e-3"). Registered providers: (none)',
    )
  })

  it("takes a hint from a plugin's own metadata", () => {
    const bfl = provider('bfl', [model('flux-pro-1.1'), model('flux-dev', { routesWithoutPrefix: false })], {
      setup: { packageName: 'llmkit-provider-bfl', configure: 'BFL_API_KEY' },
    })
    expect(providerHint(bfl)).toEqual({
      id: 'bfl',
      packageName: 'llmkit-provider-bfl',
      configure: 'BFL_API_KEY',
      models: ['flux-pro-1.1'],
    })
    const routes = new ModelRegistry([providerHint(bfl)])
    expect(unknownModel(() => routes.resolve('bfl:flux-pro-1.1')).message).toContain(
      'Install llmkit-provider-bfl and set BFL_API_KEY.',
    )
    expect(unknownModel(() => routes.resolve('FLUX-pro-1.1')).message).toContain(
      'FLUX-pro-1.1 is served by bfl, which is not configured: set BFL_API_KEY',
    )
  })

  it('warns once when a second provider claims a bare id, which keeps routing to the first', () => {
    const warnings: string[] = []
    const routes = new ModelRegistry([], (message) => warnings.push(message))
    const other = provider('other', [model('Flux-Dev'), model('fal-ai/flux/schnell'), model('own')])
    routes.register(fal)
    routes.register(other)
    routes.register(other)
    expect(warnings).toEqual([
      'Providers "fal" and "other" both serve flux-dev, fal-ai/flux/schnell: the bare ids route to fal, registered first. Use other:flux-dev to reach other.',
    ])
    expect(routes.resolve('flux-dev').provider).toBe(fal)
    expect(routes.resolve('other:flux-dev').provider).toBe(other)
    expect(routes.resolve('fal:flux-dev').provider).toBe(fal)
    expect(routes.resolve('own').provider).toBe(other)
  })

  it('refuses providers with a bad id or without a way to generate', () => {
    expect(() => registry(provider('Bad Id', []))).toThrow(
      'Provider id "Bad Id" must be lower-case letters, digits and dashes',
    )
    expect(() => registry({ id: 'empty', models: [] })).toThrow(
      'Provider empty must implement generate, or start and status',
    )
    expect(() => registry({ id: 'half', models: [], start: async () => ({}) as never })).toThrow(
      'must implement generate, or start and status',
    )
  })

  it('replaces a provider registered twice under the same id', () => {
    const other = provider('fal', [model('other')])
    const routes2 = registry(fal, other)
    expect(routes2.list()).toEqual([other])
    expect(routes2.resolve('other').provider).toBe(other)
  })
})

describe('LLMKitClient routing and listing', () => {
  it('resolveModel uses the registered providers', () => {
    const client = new LLMKitClient({ providers: [fal, sketch], env: {} })
    expect(client.resolveModel('flux-dev').provider).toBe(fal)
    expect(client.providers.map((p) => p.id)).toEqual(['fal', 'local'])
  })

  it('listModels lists every model with its provider and qualified id', () => {
    const client = new LLMKitClient({
      providers: [sketch, provider('arta', [model('Flux')], { apiStatus: 'unofficial' })],
      env: {},
    })
    expect(client.listModels().map((m) => [m.provider, m.id, m.qualifiedId, m.apiStatus])).toEqual([
      ['local', 'sketch', 'local:sketch', 'official'],
      ['arta', 'Flux', 'arta:Flux', 'unofficial'],
    ])
  })

  it('fromEnv registers only the providers whose isConfigured(env) is true', () => {
    const seen: unknown[] = []
    const keyed = (id: string, name: string) =>
      provider(id, [model(`${id}-model`)], {
        isConfigured: (env) => {
          seen.push(env)
          return Boolean(env[name])
        },
      })
    const env = { OPENAI_API_KEY: 'sk-x' }
    const client = LLMKitClient.fromEnv({
      providers: [keyed('openai', 'OPENAI_API_KEY'), keyed('fal', 'FAL_API_KEY'), sketch],
      env,
    })
    expect(client.providers.map((p) => p.id)).toEqual(['openai', 'local'])
    expect(seen).toEqual([env, env])
    expect(LLMKitClient.fromEnv({ env: {} }).providers).toEqual([])
  })

  it('fromEnv turns each candidate it leaves out into a hint from its own metadata', () => {
    const keyed = { ...openai, isConfigured: (env: Record<string, string | undefined>) => Boolean(env.OPENAI_API_KEY) }
    const client = LLMKitClient.fromEnv({ providers: [keyed, sketch], env: {} })
    expect(() => client.resolveModel('dall-e-2')).toThrow(
      'dall-e-2 is served by openai, which is not configured: set OPENAI_API_KEY (and install @llmkit/openai if it is not installed)',
    )
  })

  it('register() needs no key, and a clash reaches onWarning', () => {
    const warnings: string[] = []
    const client = new LLMKitClient({ providers: [fal], env: {}, onWarning: (message) => warnings.push(message) })
    client.register(provider('copycat', [model('fal-ai/flux/dev')], { isConfigured: () => false }))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('Use copycat:fal-ai/flux/dev to reach copycat.')
    expect(client.resolveModel('copycat:fal-ai/flux/dev').provider.id).toBe('copycat')
  })
})
