import { createHash, randomBytes } from 'node:crypto'
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import * as z from 'zod'
import {
  errorFromResponse,
  isProcessAlive,
  LLMKitError,
  sleep,
  writeFileAtomic,
  type HttpResponse,
  type ProviderContext,
} from '@llmkit/core'
import { artaRefreshResponseSchema, artaSignUpResponseSchema, readGoogleError } from './arta-api'

/** Where and how to get ARTA's anonymous tokens. */
export interface ArtaAuthConfig {
  /** The sign-up key (Firebase web API key), sent as `?key=`. */
  readonly apiKey: string
  /** Identity Toolkit v3 `signupNewUser` URL, without the key. */
  readonly signUpURL: string
  /** Secure Token `v1/token` URL, without the key. */
  readonly refreshURL: string
  /** The auth file. */
  readonly authFile: string
  /**
   * A lock whose holder still runs but has held it longer than this is broken
   * (a hung process). A lock whose holder has died is taken over at once.
   */
  readonly staleLockMs: number
}

type AuthContext = Pick<ProviderContext, 'http' | 'clock' | 'warn'> & { readonly signal?: AbortSignal }

/** The auth file's content: ours, versioned, bound to the key and host that issued the token. */
const storedTokenSchema = z.object({
  version: z.literal(1),
  keyId: z.string(),
  idToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresInSeconds: z.number().positive(),
  localId: z.string().optional(),
  /** Epoch ms when the token was issued (by our clock). */
  issuedAt: z.number(),
})
export type StoredArtaToken = z.infer<typeof storedTokenSchema>

/** Tokens last one hour unless the service says otherwise. */
const DEFAULT_LIFETIME_SECONDS = 3600

/** `$XDG_CACHE_HOME/llmkit/arta-auth.json`, else `~/.cache/llmkit/arta-auth.json` (`%LOCALAPPDATA%` on Windows). */
export function defaultArtaAuthFile(env: Readonly<Record<string, string | undefined>>): string {
  const cache =
    env.XDG_CACHE_HOME?.trim() ||
    (process.platform === 'win32' && env.LOCALAPPDATA?.trim()) ||
    join(homedir(), '.cache')
  return join(cache, 'llmkit', 'arta-auth.json')
}

/** Identifies the key and sign-up host a token came from, without storing the key. */
function keyIdOf(config: ArtaAuthConfig): string {
  return createHash('sha256').update(`${config.apiKey}\n${config.signUpURL}`).digest('hex').slice(0, 16)
}

/** The stored token, or undefined when the file is missing, corrupt, half-written or for another key. */
export async function readArtaAuthFile(path: string, keyId?: string): Promise<StoredArtaToken | undefined> {
  try {
    const parsed = storedTokenSchema.safeParse(JSON.parse(await readFile(path, 'utf8')))
    if (!parsed.success || (keyId !== undefined && parsed.data.keyId !== keyId)) return undefined
    return parsed.data
  } catch {
    return undefined
  }
}

/**
 * Takes the lock file with `O_EXCL`, waiting while a live process holds it.
 * A lock whose process has died (`kill(pid, 0)` says `ESRCH`) is taken over
 * at once; one held longer than `staleLockMs` is broken. Returns the release
 * function, or undefined when no lock file can be made here (a read-only
 * folder): the caller then renews without one.
 */
async function acquireLock(
  path: string,
  staleLockMs: number,
  signal: AbortSignal | undefined,
  wait: boolean,
): Promise<(() => Promise<void>) | undefined | typeof BUSY> {
  const nonce = randomBytes(8).toString('hex')
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600)
      await handle.writeFile(`${process.pid} ${nonce}`).finally(() => handle.close())
      return async () => {
        const content = await readFile(path, 'utf8').catch(() => '')
        if (content.endsWith(nonce)) await unlink(path).catch(() => undefined)
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined
    }
    const holder = await readLock(path)
    if (!holder) continue // released meanwhile
    if (!isProcessAlive(holder.pid) || holder.ageMs >= staleLockMs) {
      await breakLock(path, holder.content)
      continue
    }
    if (!wait) return BUSY
    await sleep(20 + Math.random() * 30, signal)
  }
}

/** What {@link acquireLock} returns when told not to wait and a live process holds the lock. */
const BUSY = Symbol('busy')

async function readLock(path: string): Promise<{ content: string; pid: number; ageMs: number } | undefined> {
  try {
    const [content, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
    return { content, pid: Number(content.split(' ')[0]), ageMs: Date.now() - info.mtimeMs }
  } catch {
    return undefined
  }
}

/**
 * Removes a dead holder's lock without ever removing a live one: the lock is
 * renamed aside first, and put back if it turns out another process took it
 * between our look and the rename.
 */
async function breakLock(path: string, seen: string): Promise<void> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.broken`
  try {
    await rename(path, aside)
  } catch {
    return // already gone
  }
  if ((await readFile(aside, 'utf8').catch(() => seen)) !== seen) await link(aside, path).catch(() => undefined)
  await unlink(aside).catch(() => undefined)
}

/**
 * ARTA's token lifecycle: reuse the stored token while it is younger than half
 * its lifetime, refresh it after that, sign up again once it has expired (or
 * when a refresh is refused), and renew on demand after a 401.
 *
 * One renewal at a time per auth file: concurrent calls in this process share
 * one (single flight), and processes take turns through the lock file, each
 * re-reading the file once it holds the lock, so a token another process just
 * got is used instead of renewed again.
 */
export function createArtaAuth() {
  // Tokens this process holds that its auth file does not (the file could not be written). The file wins otherwise.
  const unsaved = new Map<string, StoredArtaToken>()
  // The renewal in flight per auth file and key.
  const flights = new Map<string, Promise<StoredArtaToken>>()

  const lifetimeMs = (token: StoredArtaToken) => token.expiresInSeconds * 1000
  const ageMs = (token: StoredArtaToken, now: number) => Math.max(0, now - token.issuedAt)
  const alive = (now: number, token?: StoredArtaToken): token is StoredArtaToken =>
    Boolean(token) && ageMs(token!, now) < lifetimeMs(token!)
  const fresh = (now: number, token: StoredArtaToken | undefined, rejected?: string): boolean =>
    alive(now, token) && token.idToken !== rejected && ageMs(token, now) < lifetimeMs(token) / 2
  const current = async (config: ArtaAuthConfig, keyId: string) => {
    const held = unsaved.get(config.authFile)
    return newest(await readArtaAuthFile(config.authFile, keyId), held?.keyId === keyId ? held : undefined)
  }

  /** Renews under the lock file, unless the file holds a fresh token once the lock is ours. */
  async function renewLocked(
    config: ArtaAuthConfig,
    context: AuthContext,
    keyId: string,
    rejected: string | undefined,
  ): Promise<StoredArtaToken> {
    await mkdir(dirname(config.authFile), { recursive: true, mode: 0o700 }).catch(() => undefined)
    const before = await current(config, keyId)
    // A token that still works is used while another process renews; without one, wait for that renewal.
    const usable = alive(context.clock.now(), before) && before.idToken !== rejected
    const lock = await acquireLock(`${config.authFile}.lock`, config.staleLockMs, context.signal, !usable)
    if (lock === BUSY) return before!
    const release = lock
    try {
      const stored = await current(config, keyId)
      const now = context.clock.now()
      if (fresh(now, stored, rejected)) return stored!
      const renewed = await renew(config, context, keyId, alive(now, stored) ? stored : undefined)
      if (!release) {
        unsaved.set(config.authFile, renewed)
        return renewed
      }
      try {
        await writeFileAtomic(config.authFile, `${JSON.stringify(renewed, null, 2)}\n`, { mode: 0o600 })
        unsaved.delete(config.authFile)
      } catch (error) {
        unsaved.set(config.authFile, renewed)
        context.warn(
          `arta: could not save the token to ${config.authFile} (${(error as Error).message}); this process keeps it in memory`,
        )
      }
      return renewed
    } finally {
      await release?.()
    }
  }

  return {
    /** A token for the next request; `rejected` is a token the API just answered 401 to. */
    async token(config: ArtaAuthConfig, context: AuthContext, rejected?: string): Promise<string> {
      const keyId = keyIdOf(config)
      const stored = await current(config, keyId)
      if (fresh(context.clock.now(), stored, rejected)) return stored!.idToken
      const key = `${config.authFile}\n${keyId}`
      for (let attempt = 0; ; attempt++) {
        let flight = flights.get(key)
        const joined = flight !== undefined
        if (!flight) {
          flight = renewLocked(config, context, keyId, rejected).finally(() => flights.delete(key))
          flights.set(key, flight)
        }
        try {
          const token = await flight
          // A shared renewal may hand back the very token this call was refused with: renew once more.
          if (token.idToken !== rejected || attempt >= 2) return token.idToken
        } catch (error) {
          // Another call's renewal failed with its own abort or deadline: this call tries on its own.
          if (!joined || context.signal?.aborted || attempt >= 2) throw error
        }
      }
    },
  }
}

export type ArtaAuth = ReturnType<typeof createArtaAuth>

function newest(...tokens: (StoredArtaToken | undefined)[]): StoredArtaToken | undefined {
  return tokens.reduce<StoredArtaToken | undefined>(
    (best, token) => (token && (!best || token.issuedAt > best.issuedAt) ? token : best),
    undefined,
  )
}

/** Refreshes a token that has not expired; signs up when there is none or the refresh is refused. */
async function renew(
  config: ArtaAuthConfig,
  context: AuthContext,
  keyId: string,
  previous: StoredArtaToken | undefined,
): Promise<StoredArtaToken> {
  if (previous) {
    const refreshed = await refresh(config, context, keyId, previous)
    if (refreshed) return refreshed
  }
  return signUp(config, context, keyId)
}

const withKey = (url: string, key: string) => `${url}${url.includes('?') ? '&' : '?'}key=${encodeURIComponent(key)}`
const seconds = (value: string | number | undefined) => {
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed > 0 ? parsed : DEFAULT_LIFETIME_SECONDS
}

async function signUp(config: ArtaAuthConfig, context: AuthContext, keyId: string): Promise<StoredArtaToken> {
  const secrets = [config.apiKey]
  const response = await context.http.send({
    method: 'POST',
    url: withKey(config.signUpURL, config.apiKey),
    json: { clientType: 'CLIENT_TYPE_ANDROID' },
    stage: 'auth',
    secrets,
  })
  if (!response.ok) throw authError(response, 'could not obtain an anonymous token', secrets)
  const parsed = artaSignUpResponseSchema.safeParse(response.json())
  if (!parsed.success) throw protocolError(response, 'the sign-up answer carries no idToken')
  const { idToken, refreshToken, expiresIn, localId } = parsed.data
  return {
    version: 1,
    keyId,
    idToken,
    refreshToken,
    expiresInSeconds: seconds(expiresIn),
    localId,
    issuedAt: context.clock.now(),
  }
}

/** A new token for the same anonymous user, or undefined when the refresh token is refused. */
async function refresh(
  config: ArtaAuthConfig,
  context: AuthContext,
  keyId: string,
  previous: StoredArtaToken,
): Promise<StoredArtaToken | undefined> {
  const secrets = [config.apiKey, previous.refreshToken, previous.idToken]
  const response = await context.http.send({
    method: 'POST',
    url: withKey(config.refreshURL, config.apiKey),
    form: { grant_type: 'refresh_token', refresh_token: previous.refreshToken },
    stage: 'auth',
    secrets,
  })
  if (response.status === 400 || response.status === 401 || response.status === 403) return undefined
  if (!response.ok) throw authError(response, 'could not refresh the token', secrets)
  const parsed = artaRefreshResponseSchema.safeParse(response.json())
  if (!parsed.success) throw protocolError(response, 'the token refresh answer carries no id_token')
  const { id_token, refresh_token, expires_in, user_id } = parsed.data
  return {
    version: 1,
    keyId,
    idToken: id_token,
    refreshToken: refresh_token,
    expiresInSeconds: seconds(expires_in),
    localId: user_id ?? previous.localId,
    issuedAt: context.clock.now(),
  }
}

function authError(response: HttpResponse, what: string, secrets: readonly string[]): LLMKitError {
  const { message, reason } = readGoogleError(response.text())
  const text = `${message ?? ''} ${reason ?? ''}`
  const isRateLimit = response.status === 429 || text.includes('TOO_MANY_ATTEMPTS')
  const isKeyProblem = !isRateLimit && response.status >= 400 && response.status < 500
  return errorFromResponse({
    provider: 'arta',
    response,
    secrets,
    message: `${what}: ${message ?? 'no details given'}`,
    code: isRateLimit ? 'rate_limited' : isKeyProblem ? 'authentication' : undefined,
    advice: isKeyProblem ? 'check ARTA_API_KEY (the sign-up key) and ARTA_AUTH_BASE_URL' : undefined,
  })
}

function protocolError(response: HttpResponse, what: string): LLMKitError {
  return new LLMKitError({
    code: 'provider_error',
    provider: 'arta',
    status: response.status,
    requestId: response.requestId,
    message: `arta: ${what}; the unofficial API may have changed`,
  })
}
