import { parseJsonWith } from '@llmkit/core'
import * as z from 'zod'

/** Identity Toolkit v3 `signupNewUser` (anonymous): the fields the code reads. */
export const artaSignUpResponseSchema = z.looseObject({
  idToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** Seconds, as a string (`"3600"`). */
  expiresIn: z.union([z.string(), z.number()]).optional(),
  localId: z.string().optional(),
})

/** Secure Token `v1/token` (grant_type=refresh_token): the fields the code reads. */
export const artaRefreshResponseSchema = z.looseObject({
  id_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.union([z.string(), z.number()]).optional(),
  user_id: z.string().optional(),
})

/** `POST /api/v1/text2image`. */
export const artaSubmitResponseSchema = z.looseObject({
  record_id: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)),
  status: z.string().nullish(),
  seed: z.number().nullish(),
})

/** `GET /api/v1/text2image/{record_id}/status`. */
export const artaStatusResponseSchema = z.looseObject({
  status: z.string().nullish(),
  response: z
    .array(
      z.looseObject({
        url: z.string().min(1),
        name: z.string().nullish(),
        isBlur: z.boolean().nullish(),
        MIME: z.string().nullish(),
      }),
    )
    .nullish(),
  error_code: z.unknown().optional(),
  error_details: z.unknown().optional(),
})

export type ArtaStatusResponse = z.infer<typeof artaStatusResponseSchema>

const googleErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    status: z.string().optional(),
    details: z.array(z.looseObject({ reason: z.string().optional() })).optional(),
  }),
})
const fastApiErrorSchema = z.looseObject({
  detail: z.union([
    z.string(),
    z.array(z.looseObject({ msg: z.string(), loc: z.array(z.union([z.string(), z.number()])).optional() })),
  ]),
})

/** The message of a Google API error body (`API key not valid…`, `TOKEN_EXPIRED`), with its reason when given. */
export function readGoogleError(text: string): { message?: string; reason?: string } {
  const body = parseJsonWith(text, googleErrorSchema)
  if (!body) return {}
  const reason = body.error.details?.find((detail) => detail.reason)?.reason
  return { message: body.error.message, reason }
}

/** The message of ARTA's FastAPI-style error body: `{"detail": "…"}` or `{"detail": [{"loc": […], "msg": "…"}]}`. */
export function readArtaError(text: string): string | undefined {
  const body = parseJsonWith(text, fastApiErrorSchema)
  if (!body) return undefined
  const { detail } = body
  if (typeof detail === 'string') return detail
  return detail
    .map((item) => (item.loc ? `${item.loc.filter((part) => part !== 'body').join('.')}: ${item.msg}` : item.msg))
    .join('; ')
}
