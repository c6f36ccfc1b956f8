import { renderPng as renderLocalPng } from '@llmkit/local'

/** A real PNG of exactly `width`x`height`, drawn from the prompt by the local renderer. */
export function renderPng(prompt: string, width: number, height: number, seed: number): Buffer {
  const png = renderLocalPng(prompt, { width, height, seed: seed >>> 0 })
  return Buffer.from(png.buffer, png.byteOffset, png.byteLength)
}
