import { LLMKitError } from '../errors/llmkit-error'
import type { ImageCall } from '../provider/image-provider'
import { ImageFormat } from '../request/image-options'
import { setDownloadTrust, type GeneratedImage } from '../response/generated-image'
import type { CallContext } from './call-context'

/**
 * Brings a call's images to what the user asked for: downloads URL images
 * when base64 was requested (download stage, retried on its own), fills in
 * known dimensions and media type, reports each image, refuses an empty
 * result and warns about a short one.
 */
export async function finishImages(
  provider: string,
  images: readonly GeneratedImage[],
  call: ImageCall,
  context: CallContext,
): Promise<readonly GeneratedImage[]> {
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
  const { emit } = context
  if (call.format === ImageFormat.B64Json && images.some((image) => !image.b64_json && image.url)) {
    emit?.({ type: 'downloading', callIndex: call.callIndex })
    // Loaded with the first download: an app whose provider answers in base64 never needs it.
    images = await (await import('./download-images')).downloadImages(provider, images, call, context)
  }
  const mediaType = call.model.mediaType
  const finished = images.map((image) =>
    image.width !== undefined && image.height !== undefined && (image.media_type !== undefined || !mediaType)
      ? image
      : image.with({
          width: image.width ?? call.width,
          height: image.height ?? call.height,
          media_type: image.media_type ?? mediaType,
        }),
  )
  // A later image.save()/bytes() downloads under this client's policy and API hosts.
  for (const image of finished) if (image.url && !image.b64_json) setDownloadTrust(image, context.downloadTrust())
  const offset = call.callIndex * Math.max(1, call.model.maxImagesPerCall)
  finished.forEach((image, index) => emit?.({ type: 'image', callIndex: call.callIndex, index: offset + index, image }))
  return Object.freeze(finished)
}
