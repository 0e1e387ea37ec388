// Runs a batch of test files in this one process (see run_tests.mjs for why): each file is
// imported inside a describe() named by its path, to which node:test scopes the file's top-level
// tests and hooks as it scopes them to the file in a process of its own; a file that fails to load
// fails its describe only. With BATON_TEST_TIMES set to a path, appends one line per file:
// CPU ms (the whole process: main thread, loader and thread pool), wall ms, path.
import { appendFileSync } from 'node:fs'
import { after, before, describe } from 'node:test'

/** @param {ReadonlyArray<readonly [name: string, url: string]>} files */
export function runBatch(files) {
  const times = process.env.BATON_TEST_TIMES
  for (const [name, url] of files) {
    describe(name, async () => {
      let cpu
      let wall = 0
      if (times) {
        before(() => {
          cpu = process.cpuUsage()
          wall = performance.now()
        })
      }
      await import(url)
      // registered after the file's own hooks, so its after hooks (closing servers) are counted
      if (times) {
        after(() => {
          const used = process.cpuUsage(cpu)
          const cpuMs = (used.user + used.system) / 1000
          appendFileSync(
            times,
            `${cpuMs.toFixed(0)}\t${(performance.now() - wall).toFixed(0)}\t${name}\n`,
          )
        })
      }
    })
  }
}
