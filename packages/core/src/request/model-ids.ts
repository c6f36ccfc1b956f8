/**
 * The model ids installed providers declare, so that a request's `model` autocompletes them. Core
 * lists none: each provider package adds its own by module augmentation,
 * `declare module '@llmkit/core' { interface ImageModelIds extends Record<'dall-e-3' | …, true> {} }`.
 */
export interface ImageModelIds {}

/** A model id: one a registered provider package declares (these autocomplete), or any other string. */
export type ImageModelId = keyof ImageModelIds | (string & {})
