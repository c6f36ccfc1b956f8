import type { ImageProvider } from './image-provider'

/** Whether `value` has the shape of an {@link ImageProvider}: an id, a model list, and `generate` or `start` + `status`. */
export function isImageProvider(value: unknown): value is ImageProvider {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Partial<Record<keyof ImageProvider, unknown>>
  return (
    typeof candidate.id === 'string' &&
    Array.isArray(candidate.models) &&
    (typeof candidate.generate === 'function' ||
      (typeof candidate.start === 'function' && typeof candidate.status === 'function'))
  )
}
