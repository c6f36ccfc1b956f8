import type { ImageJob } from '@llmkit/core'
import type { Redis } from 'ioredis'
import type { QueueKeys } from './keys'

const BEGIN = `
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[3] then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`

/** What Redis knows of an item's paid requests. */
export interface ItemLedgerState {
  /** Job handles submitted for the item (resume these, never submit them again). */
  handles: ImageJob[]
  /** Job submits sent whose answer (and so handle) was never recorded: a worker died inside them. */
  submitting: number
  /** Synchronous requests sent whose answer was never recorded. */
  syncRequests: number
}

export type PaidRequestKind = 'submitting' | 'syncRequests'

/**
 * Per item, in one Redis hash: the job handles, and counters of paid
 * requests in flight. A counter is raised before the request is sent and
 * lowered in the same transaction that records the answer, so after a crash
 * a raised counter says exactly "a request may have reached the provider".
 */
export class ItemLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly ttlMs: number,
  ) {}

  async read(itemId: string): Promise<ItemLedgerState> {
    const fields = await this.redis.hgetall(this.keys.item(itemId))
    const handles = Object.entries(fields)
      .filter(([field]) => field.startsWith('handle:'))
      .map(([, value]) => JSON.parse(value) as ImageJob)
      .sort((a, b) => a.createdAt - b.createdAt)
    return { handles, submitting: Number(fields.submitting ?? 0), syncRequests: Number(fields.syncRequests ?? 0) }
  }

  /**
   * Before a paid request is sent. With `lock`, only while that BullMQ job lock is still ours:
   * a worker whose lock lapsed (Redis away for longer than `lockDuration`) may no longer
   * send, because another worker may already be generating the item.
   */
  async begin(itemId: string, kind: PaidRequestKind, lock?: { key: string; token: string }): Promise<void> {
    const key = this.keys.item(itemId)
    const granted = await this.redis.eval(BEGIN, 2, key, lock?.key ?? '', kind, this.ttlMs, lock?.token ?? '')
    if (Number(granted) !== 1)
      throw new Error(`item ${itemId}: this worker lost the item's lock (another worker has it), so it sends nothing`)
  }

  /** After the provider answered without creating anything (an error status). */
  async end(itemId: string, kind: PaidRequestKind): Promise<void> {
    await this.redis.hincrby(this.keys.item(itemId), kind, -1)
  }

  /** The submit was answered with a job: its handle, and the in-flight counter down, in one transaction. */
  async recordHandle(itemId: string, job: ImageJob, wasCounted: boolean): Promise<void> {
    const key = this.keys.item(itemId)
    const transaction = this.redis.multi().hset(key, `handle:${job.provider}:${job.id}`, JSON.stringify(job))
    if (wasCounted) transaction.hincrby(key, 'submitting', -1)
    await transaction.pexpire(key, this.ttlMs).exec()
  }

  /** Forgets synchronous requests in doubt once the item is generated again (the result says it was in doubt). */
  async clearSyncRequests(itemId: string): Promise<void> {
    await this.redis.hset(this.keys.item(itemId), 'syncRequests', 0)
  }
}
