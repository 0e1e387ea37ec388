#!/usr/bin/env node
/**
 * `npm run bench` (see bench/main.ts): the bench is TypeScript run through tsx's loader, like the
 * baton command, so there is no build step.
 * @module
 */
import { register } from 'tsx/esm/api'

register()
const { runBench } = await import('./main.ts')
process.exitCode = await runBench(process.argv.slice(2))
