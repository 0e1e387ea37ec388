#!/usr/bin/env node
// Runs node on the TypeScript sources instead of the built dist/: the `@baton/source` export
// condition resolves every @baton/* import to its src/index.ts and tsx compiles it on load. Both go
// through NODE_OPTIONS so the processes it spawns (`baton up`'s services, a test's `baton serve`)
// run the sources too. The tests, `npm run dev` and `npm run bench` use it; `npm start` does not.
// Usage: node scripts/with_sources.mjs <script> [args...]
import { spawnSync } from 'node:child_process'
import { pathToFileURL } from 'node:url'

/** NODE_OPTIONS for source mode; tsx by absolute URL, as children may run in another directory. */
export function sourceNodeOptions(inherited = process.env.NODE_OPTIONS) {
  const tsx = import.meta.resolve('tsx')
  return [inherited, '--conditions=@baton/source', `--import=${tsx}`].filter(Boolean).join(' ')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  if (args.length === 0) {
    console.error('usage: node scripts/with_sources.mjs <script> [args...]')
    process.exit(2)
  }
  // Ctrl-C reaches the child through the terminal's process group; wait for it to finish.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {})
  const result = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: sourceNodeOptions() },
  })
  process.exit(result.status ?? 1)
}
