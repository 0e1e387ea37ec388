/**
 * The one base of every error Baton throws on purpose (jose's `JOSEError` shape): each class names
 * its stable `BATON_*` code once, as `static code`, and every instance carries it as `code`; `name`
 * is the class name. Each package keeps one registry (`errors.ts`) of classes extending this one,
 * so `instanceof BatonError` is how a caller (the CLI, first) tells a known failure from a bug.
 * It lives in @baton/config because every package imports config.
 * @module
 */
export class BatonError extends Error {
  /** The stable code of this class's errors; subclasses override it. */
  static readonly code: string = 'BATON_ERROR'

  /** `static code` of the instance's class, an own property so logs and `util.inspect` show it. */
  readonly code: string

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = (new.target as typeof BatonError).code
  }
}
