// The batteries-included entry point: all of @llmkit/core, every bundled
// provider, and an LLMKitClient whose fromEnv() knows them all.
export * from '@llmkit/core'
export { LLMKitClient, BUNDLED_PROVIDERS } from './llmkit-client'
export { createLocal, local } from '@llmkit/local'
export type { LocalProviderSettings } from '@llmkit/local'
export { createOpenAI, openai } from '@llmkit/openai'
export type { OpenAIProviderSettings } from '@llmkit/openai'
