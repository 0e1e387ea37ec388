/**
 * The revocation-event subscription as an API area of its own: its routes need the revocation feed,
 * which the composition root builds and hands over beside the ordinary API context.
 * @module
 */
import { apiArea } from '../router.ts'
import {
  type RevocationStreamContext,
  registerRevocationStreamRoutes,
} from './revocation_stream.ts'

export const revocationStreamApi = apiArea<RevocationStreamContext>('revocation-stream', [
  registerRevocationStreamRoutes,
])
