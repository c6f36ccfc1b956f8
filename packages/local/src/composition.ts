import type { Scene } from './scene'

/** A disc in the sky. */
export interface SkyBody {
  readonly x: number
  readonly y: number
  readonly radius: number
}

export interface Star {
  readonly x: number
  readonly y: number
  /** 0..1 */
  readonly brightness: number
}

export interface Ellipse {
  readonly x: number
  readonly y: number
  readonly rx: number
  readonly ry: number
}

export interface Cloud {
  readonly puffs: readonly Ellipse[]
  /** The flat underside of the cloud. */
  readonly baseY: number
  readonly opacity: number
}

/** A mountain range or hill: the y of its outline in every column. */
export interface Ridge {
  readonly top: Float32Array
  /** 0 = far (hazy), 1 = near. */
  readonly depth: number
  /** Where snow stops, or none. */
  readonly snowLineY?: number
}

export interface Building {
  readonly x: number
  readonly width: number
  readonly top: number
  readonly baseY: number
  readonly depth: number
  readonly hasSpire: boolean
  /** Seeds which windows are lit. */
  readonly windowSeed: number
}

export interface Tree {
  readonly x: number
  readonly baseY: number
  readonly height: number
  readonly kind: 'conifer' | 'round'
  readonly depth: number
}

/** A river below the horizon: its centre and half width for each row from the horizon down. */
export interface River {
  readonly centre: Float32Array
  readonly halfWidth: Float32Array
}

/**
 * Where everything goes in one picture: the seeded layout of a scene at a
 * size. Painting it is deterministic, so the same scene, size and seed give
 * the same pixels.
 */
export interface Composition {
  readonly scene: Scene
  readonly width: number
  readonly height: number
  readonly horizonY: number
  readonly sun?: SkyBody
  readonly moon?: SkyBody
  /** Where light comes from, for shading the sides of mountains and trees. */
  readonly lightX: number
  readonly stars: readonly Star[]
  readonly clouds: readonly Cloud[]
  readonly mountains: readonly Ridge[]
  readonly hills: readonly Ridge[]
  readonly buildings: readonly Building[]
  /** Far to near. */
  readonly trees: readonly Tree[]
  readonly river?: River
  /** Top of the near shore in front of a lake or sea, per column. */
  readonly shore?: Float32Array
  readonly wavePhase: number
}
