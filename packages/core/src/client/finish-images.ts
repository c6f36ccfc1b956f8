import { LLMKitError } from '../errors/llmkit-error'
import { downloadImage } from '../http/download'
import type { ImageCall } from '../provider/image-provider'
import { ImageFormat } from '../request/image-options'
import { setDownloadTrust, type GeneratedImage } from '../response/generated-image'
import type { CallContext, Emit } from './call-context'

/**
 * Brings a call's images to what the user asked for: downloads URL images
 * when base64 was requested (download stage, retried on its own), fills in
 * known dimensions, and refuses an empty result. Synchronous (no promise)
 * when nothing needs downloading, which is the common case.
 */
export function finishImages(
  provider: string,
  images: readonly GeneratedImage[],
  call: ImageCall,
  context: CallContext,
  emit: Emit | undefined,
): readonly GeneratedImage[] | Promise<readonly GeneratedImage[]> {
  if (images.length === 0) {
    throw new LLMKitError({
      code: 'no_image',
      provider,
      model: call.model.id,
      message: `${provider}: ${call.model.id} answered without any image; check the prompt and your quota, then try again`,
      isRetryable: true,
    })
  }
  if (images.length < call.n) {
    context.warn(
      `${provider}: ${call.model.id} returned ${images.length} of the ${call.n} images asked for${call.callIndex > 0 ? ` in call ${call.callIndex + 1}` : ''}; the API gave no reason`,
    )
  }
  const needsDownload = call.format === ImageFormat.B64Json && images.some((image) => !image.b64_json && image.url)
  if (!needsDownload) return complete(images, call, context, emit)
  emit?.({ type: 'downloading', callIndex: call.callIndex })
  return Promise.all(
    images.map((image) => (image.b64_json || !image.url ? image : download(provider, image, call, context))),
  ).then((downloaded) => complete(downloaded, call, context, emit))
}

function complete(
  images: readonly GeneratedImage[],
  call: ImageCall,
  context: CallContext,
  emit: Emit | undefined,
): readonly GeneratedImage[] {
  const mediaType = call.model.mediaType
  let finished = images
  for (let i = 0; i < images.length; i++) {
    const image = images[i]!
    if (
      image.width !== undefined &&
      image.height !== undefined &&
      (image.media_type !== undefined || mediaType === undefined)
    )
      continue
    // Copy on the first image that needs filling in; the usual complete result is passed through as is.
    if (finished === images) finished = images.slice()
    ;(finished as GeneratedImage[])[i] = image.with({
      width: image.width ?? call.width,
      height: image.height ?? call.height,
      media_type: image.media_type ?? mediaType,
    })
  }
  // A later image.save()/bytes() downloads under this client's policy and API hosts.
  for (const image of finished) if (image.url && !image.b64_json) setDownloadTrust(image, context.downloadTrust())
  if (emit) {
    const offset = call.callIndex * Math.max(1, call.model.maxImagesPerCall)
    finished.forEach((image, index) => emit({ type: 'image', callIndex: call.callIndex, index: offset + index, image }))
  }
  return Object.isFrozen(finished) ? finished : Object.freeze(finished === images ? images.slice() : finished)
}

async function download(
  provider: string,
  image: GeneratedImage,
  call: ImageCall,
  context: CallContext,
): Promise<GeneratedImage> {
  const trust = context.downloadTrust()
  const downloaded = await downloadImage(image.url!, {
    http: context.http,
    policy: trust.policy,
    apiHosts: trust.apiHosts,
    provider,
    model: call.model.id,
  })
  return image.with({
    b64_json: downloaded.bytes.toString('base64'),
    media_type: image.media_type ?? downloaded.mediaType,
  })
}
