/**
 * fastify gives every request a pino child logger bound to its request id; building it cost
 * ~2.5% of a token validation, and almost no request ever logs through it (the access line has
 * its own logger). This stand-in builds the real child on first use, with the same bindings and
 * options, so a request that does log (an unexpected error, a fastify warning) logs exactly as
 * before. Methods live on the prototype: no closures per request.
 * @module
 */
import type { FastifyBaseLogger } from 'fastify'

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1]
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export class LazyChildLogger implements FastifyBaseLogger {
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Bindings
  readonly #options: ChildOptions
  #real: FastifyBaseLogger | undefined

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #logger(): FastifyBaseLogger {
    this.#real ??= this.#parent.child(this.#bindings, this.#options)
    return this.#real
  }

  #call(level: Level, args: unknown[]): void {
    const logger = this.#logger()
    Reflect.apply(logger[level], logger, args)
  }

  get level(): string {
    return this.#real?.level ?? this.#options?.level ?? this.#parent.level
  }

  set level(level: string) {
    this.#logger().level = level
  }

  fatal(...args: unknown[]): void {
    this.#call('fatal', args)
  }

  error(...args: unknown[]): void {
    this.#call('error', args)
  }

  warn(...args: unknown[]): void {
    this.#call('warn', args)
  }

  info(...args: unknown[]): void {
    this.#call('info', args)
  }

  debug(...args: unknown[]): void {
    this.#call('debug', args)
  }

  trace(...args: unknown[]): void {
    this.#call('trace', args)
  }

  silent(...args: unknown[]): void {
    this.#call('silent', args)
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options)
  }
}
