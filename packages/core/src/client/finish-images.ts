import { errorFromResponse } from '../errors/http-error'
import { LLMKitError } from '../errors/llmkit-error'
import type { ImageCall, ProviderContext } from '../provider/image-provider'
import { ImageFormat } from '../request/image-options'
import type { GeneratedImage } from '../response/generated-image'
import { sniffMediaType } from '../util/media-type'
import type { Emit } from './call-context'

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
  context: ProviderContext,
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
  if (!needsDownload) return complete(images, call, emit)
  emit?.({ type: 'downloading', callIndex: call.callIndex })
  return Promise.all(
    images.map((image) => (image.b64_json || !image.url ? image : download(image, call, context))),
  ).then((downloaded) => complete(downloaded, call, emit))
}

function complete(
  images: readonly GeneratedImage[],
  call: ImageCall,
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
  if (emit) {
    const offset = call.callIndex * Math.max(1, call.model.maxImagesPerCall)
    finished.forEach((image, index) => emit({ type: 'image', callIndex: call.callIndex, index: offset + index, image }))
  }
  return Object.isFrozen(finished) ? finished : Object.freeze(finished === images ? images.slice() : finished)
}

async function download(image: GeneratedImage, call: ImageCall, context: ProviderContext): Promise<GeneratedImage> {
  if (!image.url!.startsWith('http')) return image.with({ b64_json: (await image.bytes()).toString('base64') })
  const response = await context.http.send({ url: image.url!, stage: 'download' })
  if (!response.ok) {
    throw errorFromResponse({
      provider: 'download',
      model: call.model.id,
      response,
      code: response.status === 404 || response.status === 410 ? 'no_image' : undefined,
      message: `could not download the generated image (${response.status === 404 ? 'it is gone' : 'the image host failed'})`,
    })
  }
  return image.with({
    b64_json: response.body.toString('base64'),
    media_type: image.media_type ?? sniffMediaType(response.body),
  })
}
