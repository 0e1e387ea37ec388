/**
 * The reference services' specs, in the order of the delegation chain (compute -> volume -> image
 * -> object, as `serviceFacts` lists their facts): what `baton serve <name>` and `baton up` run.
 * @module
 */
import { computeService } from './compute/index.ts'
import { imageService } from './image/index.ts'
import type { ServiceSpec } from './kit/service_app.ts'
import { objectService } from './object/index.ts'
import { volumeService } from './volume/index.ts'

export const serviceSpecs: readonly ServiceSpec[] = [
  computeService,
  volumeService,
  imageService,
  objectService,
]
