import { renderScene } from '@llmkit/local'

/** A real PNG of exactly `width`x`height`, drawn from the prompt by the local renderer. */
export function renderPng(prompt: string, width: number, height: number, seed: number): Buffer {
  return renderScene(prompt, { width, height, seed })
}
