import { downloadImage } from '../http/image-download'
import type { ImageCall } from '../provider/image-provider'
import type { GeneratedImage } from '../response/generated-image'
import { toBase64 } from '../util/encode-bytes'
import type { CallContext } from './call-context'

/** URL images of a call that asked for base64, downloaded (download stage, retried on its own) and encoded. */
export function downloadImages(
  provider: string,
  images: readonly GeneratedImage[],
  call: ImageCall,
  context: CallContext,
): Promise<GeneratedImage[]> {
  return Promise.all(
    images.map((image) => (image.b64_json || !image.url ? image : download(provider, image, call, context))),
  )
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
    b64_json: toBase64(downloaded.bytes),
    media_type: image.media_type ?? downloaded.mediaType,
  })
}
