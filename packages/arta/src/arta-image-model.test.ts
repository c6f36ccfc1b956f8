import { describe, expect, it } from 'vitest'
import { ImageFormat, LLMKitError, type ImageJob } from '@llmkit/core'
import { toJobStatus } from './arta-image-model'

const job: ImageJob = {
  provider: 'arta',
  model: 'flux',
  id: 'rec-1',
  createdAt: 0,
  call: { n: 1, width: 1024, height: 1024, format: ImageFormat.Url, seed: 5, callIndex: 0 },
}

describe('ARTA status mapping', () => {
  it('waits on IN_QUEUE and IN_PROGRESS at ARTA’s 2 s pace', () => {
    expect(toJobStatus({ status: 'IN_QUEUE' }, job)).toEqual({
      state: 'pending',
      phase: 'queued',
      message: 'Waiting',
      pollAfterMs: 2000,
    })
    expect(toJobStatus({ status: 'IN_PROGRESS' }, job)).toEqual({
      state: 'pending',
      phase: 'running',
      message: 'Generating',
      pollAfterMs: 2000,
    })
  })

  it('completes on DONE with every URL, flagging blurred images', () => {
    const status = toJobStatus(
      {
        status: 'DONE',
        response: [
          { url: 'https://x/a.png', name: 'a', isBlur: false, MIME: 'image/png' },
          { url: 'https://x/b.png', isBlur: true },
        ],
      },
      job,
    )
    expect(status.state).toBe('completed')
    if (status.state !== 'completed') return
    expect(status.images.map((image) => [image.url, image.media_type, image.content_filtered, image.seed])).toEqual([
      ['https://x/a.png', 'image/png', false, 5],
      ['https://x/b.png', undefined, true, 5],
    ])
    expect(status.warnings).toEqual(['arta blurred 1 of 2 image(s) (isBlur), usually because it judged them NSFW'])
  })

  it.each([
    [
      { status: 'FAILED', error_code: 'E42', error_details: null },
      'arta: image generation failed with status FAILED: E42',
    ],
    [{ status: 'CANCELLED' }, 'arta: image generation failed with status CANCELLED'],
    [{ status: null }, 'arta: image generation failed with status (none)'],
    [{}, 'arta: image generation failed with status (none)'],
    [{ status: 'done' }, 'arta: image generation failed with status done'],
  ])('fails on any other status: %j', (body, message) => {
    const status = toJobStatus(body, job)
    expect(status.state).toBe('failed')
    if (status.state !== 'failed') return
    expect(LLMKitError.isInstance(status.error)).toBe(true)
    expect(status.error).toMatchObject({ code: 'provider_error', provider: 'arta', model: 'flux', message })
  })
})
