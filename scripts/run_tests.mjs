#!/usr/bin/env node
// Runs every test file explicitly: node 20's --test neither expands globs nor picks up .ts files.
// Usage: node scripts/run_tests.mjs [--unit] [path-prefix ...]   (default: everything under test/)
// Tests run the TypeScript sources, never dist/ (see with_sources.mjs), so no build is needed
// between an edit and a test run.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { sourceNodeOptions } from './with_sources.mjs'

const root = new URL('..', import.meta.url).pathname

function findTests(dir) {
  const found = []
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) found.push(...findTests(path))
    else if (name.endsWith('.test.ts')) found.push(path)
  }
  return found
}

// --unit (`npm run test:unit`): only the tests that start no external process. The convention is
// in the path: a test that starts one (Python, memcached/Redis, uwsgi, openstack, a real `baton`)
// is named *.process.test.ts or lives under test/interop/. PostgreSQL is dropped from the env so
// the store tests run their SQLite variant only. See docs/architecture.md, "Tests".
const args = process.argv.slice(2)
const unit = args.includes('--unit')
const startsProcesses = (f) => f.startsWith('test/interop/') || f.endsWith('.process.test.ts')
if (unit) delete process.env.BATON_TEST_PG_URL // inherited by the test runner spawned below

const prefixes = args.filter((a) => a !== '--unit')
const files = findTests(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => prefixes.length === 0 || prefixes.some((p) => f.startsWith(p)))
  .filter((f) => !unit || !startsProcesses(f))
if (files.length === 0) {
  console.error(`no test files match ${prefixes.join(' ') || 'test/'}`)
  process.exit(1)
}
const reporter = process.stdout.isTTY ? 'spec' : 'tap'
const result = spawnSync(
  process.execPath,
  ['--test', `--test-reporter=${reporter}`, '--test-concurrency=2', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: sourceNodeOptions() },
  },
)
process.exit(result.status ?? 1)
