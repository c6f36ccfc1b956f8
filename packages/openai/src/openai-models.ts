import * as z from 'zod/mini'
import { ImageFormat, ImageQuality, ImageStyle, type ImageModelInfo } from '@llmkit/core'
import { openaiImageOptionFields, openaiImageOptionsSchema } from './openai-options'

/** Model ids with autocomplete; any other string is passed through with the `openai:` prefix. */
export type OpenAIImageModelId = OpenAIKnownModelId | (string & {})

/** The model ids in this package's catalog. */
export type OpenAIKnownModelId =
  'dall-e-2' | 'dall-e-3' | 'gpt-image-1' | 'gpt-image-1-mini' | 'gpt-image-1.5' | 'gpt-image-2'

// Declared to core, so that a request's `model` autocompletes these ids wherever this package is imported.
declare module '@llmkit/core' {
  interface ImageModelIds extends Record<OpenAIKnownModelId, true> {}
}

const square = (edge: number) => ({ width: edge, height: edge })
const BOTH_FORMATS = [ImageFormat.Url, ImageFormat.B64Json] as const

const gptImage = (id: string, displayName: string): ImageModelInfo => ({
  id,
  displayName,
  maxImagesPerCall: 10,
  maxPromptLength: 32_000,
  sizes: { sizes: [square(1024), { width: 1536, height: 1024 }, { width: 1024, height: 1536 }] },
  supports: { quality: [ImageQuality.Standard, ImageQuality.Hd], formats: [ImageFormat.B64Json] },
  optionsSchema: openaiImageOptionsSchema,
})

/** OpenAI's image models and what each accepts (OpenAI API spec, `CreateImageRequest`). */
export const OPENAI_IMAGE_MODELS: readonly ImageModelInfo[] = [
  {
    id: 'dall-e-3',
    displayName: 'DALL-E 3',
    description: 'Photorealistic, style control; one image per call (llmkit splits larger n)',
    maxImagesPerCall: 1,
    maxPromptLength: 4_000,
    sizes: { sizes: [square(1024), { width: 1792, height: 1024 }, { width: 1024, height: 1792 }] },
    supports: {
      quality: [ImageQuality.Standard, ImageQuality.Hd],
      style: [ImageStyle.Vivid, ImageStyle.Natural],
      formats: BOTH_FORMATS,
    },
    optionsSchema: z.pick(openaiImageOptionFields, { user: true }),
  },
  {
    id: 'dall-e-2',
    displayName: 'DALL-E 2',
    description: 'Fast, flexible; up to 10 images per call',
    maxImagesPerCall: 10,
    maxPromptLength: 1_000,
    sizes: { sizes: [square(256), square(512), square(1024)] },
    supports: { quality: [ImageQuality.Standard], formats: BOTH_FORMATS },
    optionsSchema: z.pick(openaiImageOptionFields, { user: true }),
  },
  gptImage('gpt-image-1', 'GPT Image 1'),
  gptImage('gpt-image-1-mini', 'GPT Image 1 mini'),
  gptImage('gpt-image-1.5', 'GPT Image 1.5'),
  {
    ...gptImage('gpt-image-2', 'GPT Image 2'),
    sizes: { range: { min: 256, max: 3840, multipleOf: 16, maxPixels: 3840 * 2160, maxAspectRatio: 3 } },
  },
]
