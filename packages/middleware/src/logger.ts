/**
 * The logger the middleware writes to: pino, console or anything with these four methods. Messages
 * never contain tokens. The default writes warnings and errors to stderr and drops the rest.
 * @module
 */
export type MiddlewareLogger = {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

const PREFIX = 'baton auth_token:'

export const stderrLogger: MiddlewareLogger = Object.freeze({
  debug: () => {},
  info: () => {},
  warn: (message: string) => process.stderr.write(`${PREFIX} ${message}\n`),
  error: (message: string) => process.stderr.write(`${PREFIX} ${message}\n`),
})

/** Accepts a partial logger (pino's child loggers have every method; console too). */
export function toMiddlewareLogger(
  logger: Partial<MiddlewareLogger> | undefined,
): MiddlewareLogger {
  if (logger === undefined) return stderrLogger
  const noop = (): void => {}
  return {
    debug: logger.debug?.bind(logger) ?? noop,
    info: logger.info?.bind(logger) ?? noop,
    warn: logger.warn?.bind(logger) ?? noop,
    error: logger.error?.bind(logger) ?? noop,
  }
}
