#!/usr/bin/env node
// The `baton` command: runs the built JavaScript in dist/. Under `--conditions=@baton/source
// --import tsx` (the tests, `npm run dev`) the same self-import resolves to the TypeScript sources.
import { main } from '@baton/cli'

process.exitCode = await main(process.argv.slice(2))
