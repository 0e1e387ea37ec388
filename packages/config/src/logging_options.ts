/**
 * oslo.log's `[DEFAULT]` options that decide where a Baton server logs and how much: `debug`,
 * `log_file`, `log_dir`, `use_json`. Declared here, once, because every Baton server (identity and
 * the reference services) reads them from a keystone.conf or nova.conf as oslo.log would;
 * `logSettings()` turns them into what the servers' pino loggers take.
 * @module
 */
import { isAbsolute, join } from 'node:path'
import { defineGroup, type GroupValues } from './groups.ts'
import { opt } from './options.ts'

export const loggingOptions = defineGroup('DEFAULT', {
  debug: opt.bool({
    default: false,
    help: 'If set to true, the logging level will be set to DEBUG instead of the default INFO level.',
  }),
  log_file: opt.str({
    help:
      'Name of log file to send logging output to. If no default is set, logging will go to ' +
      'stderr as defined by use_stderr (Baton: the server’s standard output). A relative name is ' +
      'relative to log_dir when that is set.',
    deprecatedNames: [{ name: 'logfile' }],
  }),
  log_dir: opt.str({
    help:
      '(Optional) The base directory used for relative log_file paths. With log_dir and no ' +
      'log_file, the server logs to <log_dir>/<program>.log (baton-identity.log, baton-compute.log...).',
    deprecatedNames: [{ name: 'logdir' }],
  }),
  use_json: opt.bool({
    default: true,
    help:
      'Use JSON formatting for logging: one JSON object per line (pino’s fields). oslo.log ' +
      'defaults to false; Baton defaults to true because JSON lines are what it writes natively. ' +
      'False writes one oslo-style text line per record instead.',
  }),
})

export type LoggingValues = GroupValues<(typeof loggingOptions)['options']>

/** What a server's logger needs: the level, the file to append to (else stdout), the format. */
export interface LogSettings {
  readonly level: 'debug' | 'info'
  readonly file?: string
  readonly json: boolean
}

/** oslo.log's `_get_log_file_path`, then the level and format. `program` names `<log_dir>/<program>.log`. */
export function logSettings(values: LoggingValues, program: string): LogSettings {
  const level = values.debug ? 'debug' : 'info'
  const file = logFilePath(values.log_file, values.log_dir, program)
  return file === undefined
    ? { level, json: values.use_json }
    : { level, file, json: values.use_json }
}

function logFilePath(
  logFile: string | undefined,
  logDir: string | undefined,
  program: string,
): string | undefined {
  const file = logFile === '' ? undefined : logFile
  const dir = logDir === '' ? undefined : logDir
  if (file !== undefined) return dir === undefined || isAbsolute(file) ? file : join(dir, file)
  return dir === undefined ? undefined : join(dir, `${program}.log`)
}
