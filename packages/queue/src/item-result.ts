import type { ImageGenerationRequestData, ImageJob } from '@llmkit/core'

/** What the queue carries for one item. */
export interface QueueJobData {
  id: string
  request: ImageGenerationRequestData
}

/** One generated image as a worker stored it; `key` locates its bytes in the {@link ResultStore}. */
export interface StoredImage {
  key: string
  /** Size of the stored bytes. */
  bytes: number
  media_type?: string
  width?: number
  height?: number
  seed?: number
  revised_prompt?: string
  content_filtered?: boolean
}

/** Codes of failures the queue itself adds to core's `LLMKitError` codes. */
export type QueueFailureCode =
  /** A worker died while a paid submit was in flight and no job handle was recorded: it is not submitted again. */
  | 'in_doubt'
  /** The item's worker died too often (BullMQ's stalled-job limit), or the job failed outside the generation. */
  | 'worker_failed'

/** How one item ended. */
export interface ItemResult {
  id: string
  status: 'done' | 'failed'
  provider?: string
  model?: string
  images: StoredImage[]
  warnings?: string[]
  /**
   * True when a worker died inside a synchronous request for this item and the
   * item was generated again: the provider may have run (and charged) it twice.
   */
  inDoubt?: boolean
  /** Job handles still running upstream after a failure (`client.resumeImage(job)` picks them up). */
  jobs?: ImageJob[]
  error?: { code: string; message: string }
  /** Which worker made it (`hostname:pid`). */
  worker?: string
}
