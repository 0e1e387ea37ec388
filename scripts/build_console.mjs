/**
 * Bundles the operator console (packages/identity/console/: TypeScript, one stylesheet, one HTML
 * page) into packages/identity/console-dist/, the static files `baton serve identity` serves at
 * /console/. Part of `npm run build` (and so of `npm ci`); tests that drive the console call it
 * when the bundle is missing. esbuild, pinned in the root devDependencies.
 * @module
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const source = fileURLToPath(new URL('../packages/identity/console/', import.meta.url))
const out = fileURLToPath(new URL('../packages/identity/console-dist/', import.meta.url))

export async function buildConsole() {
  mkdirSync(out, { recursive: true })
  await build({
    entryPoints: [`${source}src/main.ts`],
    outfile: `${out}console.js`,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  })
  copyFileSync(`${source}index.html`, `${out}index.html`)
  // console.css first, then each view's stylesheet (chains.css, ...) in name order: one file served
  const sheets = readdirSync(source)
    .filter((name) => name.endsWith('.css') && name !== 'console.css')
    .sort()
  writeFileSync(
    `${out}console.css`,
    ['console.css', ...sheets].map((name) => readFileSync(`${source}${name}`, 'utf8')).join('\n'),
  )
  copyFileSync(`${source}favicon.svg`, `${out}favicon.svg`)
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildConsole()
}
