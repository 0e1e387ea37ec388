/**
 * The injectable logger. `console` satisfies it; messages never carry key material.
 * @module
 */

export type FernetLogger = {
  warn(message: string): void
  info?(message: string): void
}

export const consoleLogger: FernetLogger = {
  warn: (message) => console.warn(message),
}

/** Logs at info when the logger has it, otherwise drops the message (info is optional). */
export function logInfo(logger: FernetLogger, message: string): void {
  logger.info?.(message)
}
