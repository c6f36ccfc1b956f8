import type { Random } from './prng'

/**
 * A 1-D fractal noise line, one value in 0..1 per column: the outline of a
 * mountain range or a hill. `featureSize` is the width of the largest bumps in
 * pixels; `roughness` how much the smaller octaves add.
 */
export function noiseLine(
  random: Random,
  width: number,
  featureSize: number,
  octaves: number,
  roughness: number,
): Float32Array {
  const line = new Float32Array(width)
  let amplitude = 1
  let total = 0
  for (let octave = 0, size = featureSize; octave < octaves; octave++, size /= 2, amplitude *= roughness) {
    addOctave(line, random, Math.max(2, size), amplitude)
    total += amplitude
  }
  for (let x = 0; x < width; x++) line[x] = line[x]! / total
  return line
}

function addOctave(line: Float32Array, random: Random, size: number, amplitude: number): void {
  const points = Math.ceil(line.length / size) + 2
  const lattice = new Float32Array(points)
  for (let i = 0; i < points; i++) lattice[i] = random.next()
  const offset = random.next() * size
  for (let x = 0; x < line.length; x++) {
    const position = (x + offset) / size
    const i = Math.floor(position)
    const t = position - i
    const eased = t * t * (3 - 2 * t)
    line[x] = line[x]! + amplitude * (lattice[i]! + (lattice[i + 1]! - lattice[i]!) * eased)
  }
}
