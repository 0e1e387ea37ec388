#!/usr/bin/env node
// The `baton` command: runs the built JavaScript in dist/. Under `--conditions=@baton/source
// --import tsx` (the tests, `npm run dev`) the same self-import resolves to the TypeScript sources.
import module from 'node:module'

// Node >= 22.1 keeps compiled code on disk between runs (the OS temp dir): faster start-ups.
module.enableCompileCache?.()
const { main } = await import('@baton/cli')
process.exitCode = await main(process.argv.slice(2))
