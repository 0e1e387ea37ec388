/**
 * `@baton/cloud`: the reference services (compute, volume, image, object store) that use Baton's
 * middleware and client as real OpenStack services do, and the kit they share.
 * @module
 */

export { computeOptions, computeService } from './compute/index.ts'
export { imageOptions, imageService } from './image/index.ts'
export { type AuditEntry, type AuditLog, openAuditLog } from './kit/audit.ts'
export { type Delegation, NextHop } from './kit/delegation.ts'
export * from './kit/errors.ts'
export { type Job, type JobHandler, JobRunner } from './kit/jobs.ts'
export { auditOptions, serviceDefaultOptions } from './kit/options.ts'
export { type RunningService, startService } from './kit/run_service.ts'
export {
  type BuildOptions,
  buildService,
  type ServiceRuntime,
  type ServiceSpec,
  serviceGroups,
} from './kit/service_app.ts'
export type { ServiceContext } from './kit/service_context.ts'
export { objectService, swiftConstraints } from './object/index.ts'
export { serviceSpecs } from './service_specs.ts'
export * from './services.ts'
export { volumeOptions, volumeService } from './volume/index.ts'
