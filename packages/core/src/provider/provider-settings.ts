import { LLMKitError } from '../errors/llmkit-error'

type Env = Readonly<Record<string, string | undefined>>

/** Where to look for a provider's key: the setting first, then each variable in order. */
export interface LoadApiKeyOptions {
  apiKey?: string
  env: Env
  /** Environment variable names, preferred first (`['FAL_API_KEY', 'FAL_KEY']`). */
  names: readonly string[]
  /** Provider id, for the message. */
  provider: string
  /** The factory users call, for the message (`createFal`). */
  factory: string
}

/** The provider's key, or an `authentication` error that says which variable to set. */
export function loadApiKey(options: LoadApiKeyOptions): string {
  const key =
    options.apiKey ?? options.names.map((name) => options.env[name]).find((value) => value && value.trim() !== '')
  if (key) return key.trim()
  throw new LLMKitError({
    code: 'authentication',
    provider: options.provider,
    message: `${options.provider}: no API key. Set ${options.names.join(' or ')}, or pass apiKey to ${options.factory}()`,
  })
}

/** True when any of the variables holds a value. */
export function hasEnv(env: Env, names: readonly string[]): boolean {
  return names.some((name) => Boolean(env[name]?.trim()))
}

/** The base URL: the setting, else the environment variable, else the default; without a trailing slash. */
export function resolveBaseURL(setting: string | undefined, env: Env, envName: string, fallback: string): string {
  const value = setting ?? (env[envName]?.trim() || undefined) ?? fallback
  return value.replace(/\/+$/, '')
}

/** A final version segment of a base URL: `/v1`, `/v2beta`. */
const VERSION_SEGMENT = /\/v\d+[a-z]*\d*$/

/**
 * A base URL for an API whose paths start after the version: `https://host` and `https://host/v1` (the way
 * SDK users write it) both give `https://host/v1`; a URL already ending in a version (`/v2`) is kept.
 */
export function versionedBaseURL(url: string, version = 'v1'): string {
  const trimmed = url.replace(/\/+$/, '')
  return VERSION_SEGMENT.test(trimmed) ? trimmed : `${trimmed}/${version}`
}

/** A base URL for an API whose paths carry their own version: `https://host/v1/` gives `https://host`. */
export function unversionedBaseURL(url: string): string {
  return url.replace(/\/+$/, '').replace(VERSION_SEGMENT, '')
}
