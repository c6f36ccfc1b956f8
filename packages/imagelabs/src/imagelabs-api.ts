import * as z from 'zod'

/** `POST /txt2img`: the task id (gpt4free read only this). */
export const imagelabsSubmitResponseSchema = z.looseObject({
  task_id: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)),
})

/** `POST /progress`: only `Done` is a confirmed status value; `progress` is a 0–1 fraction. */
export const imagelabsProgressResponseSchema = z.looseObject({
  status: z.string().nullish(),
  progress: z.number().nullish(),
  final_image_url: z.string().nullish(),
})

export type ImageLabsProgress = z.infer<typeof imagelabsProgressResponseSchema>

/** The message of an error body (`{"error": "…"}` or `{"message": "…"}`), when it has one. */
export function readImageLabsError(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown }
    const message = body.error ?? body.message ?? body.detail
    return typeof message === 'string' ? message : undefined
  } catch {
    return undefined
  }
}
