/** Default BullMQ queue name. */
export const DEFAULT_QUEUE_NAME = 'llmkit-images'

/** Redis key names this package uses besides BullMQ's own (`bull:<name>:…`). */
export function queueKeys(name: string) {
  const base = `llmkit:${name}`
  return {
    /** Hash per item: `handles` (JSON list of job handles), `submitting`, `syncRequests`. */
    item: (itemId: string) => `${base}:item:${itemId}`,
    /** Sorted set of recent submit times per provider (the shared sliding-window rate limit). */
    rate: (provider: string) => `${base}:rate:${provider}`,
    /** Set with a PX expiry while a provider asked everyone to wait (429 + Retry-After). */
    pause: (provider: string) => `${base}:pause:${provider}`,
    /** Image bytes of the Redis result store. */
    image: (itemId: string, index: number) => `${base}:image:${itemId}:${index}`,
  }
}
export type QueueKeys = ReturnType<typeof queueKeys>

/** The BullMQ job id of an item id (BullMQ forbids ':' and all-digit custom ids). */
export function jobIdOf(itemId: string): string {
  return `item-${encodeURIComponent(itemId)}`
}
