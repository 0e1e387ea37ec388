/**
 * `@baton/cli`: the `baton` command, runnable in-process for tests.
 * @module
 */

export type { CliIo } from './io.ts'
export { main } from './main.ts'
