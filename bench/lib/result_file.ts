/**
 * Writes `bench/results/latest.json` in exactly the layout `biome format` produces (objects always
 * expanded, arrays of scalars on one line when they fit in 100 columns), so a committed result
 * never fails `npm run lint`. Non-finite numbers (a ratio over a zero rate) become null.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { BenchResult } from './results.ts'

const LINE_WIDTH = 100
const INDENT = '  '

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json }

function scalar(value: unknown): string | undefined {
  if (value === null) return 'null'
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null'
  if (typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  return undefined
}

function isRecord(value: unknown): value is { readonly [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * `value` rendered at `depth`; `prefix` is what precedes it on its line (the key) and `suffix`
 * what follows (a comma), both counted when deciding whether an array fits on one line.
 */
function render(value: unknown, depth: number, prefixWidth: number, suffixWidth: number): string {
  const flat = scalar(value)
  if (flat !== undefined) return flat
  const pad = INDENT.repeat(depth + 1)
  const close = INDENT.repeat(depth)
  if (Array.isArray(value)) {
    const items: unknown[] = value
    if (items.length === 0) return '[]'
    const scalars = items.map(scalar)
    if (scalars.every((s) => s !== undefined)) {
      const line = `[${scalars.join(', ')}]`
      if (close.length + prefixWidth + line.length + suffixWidth <= LINE_WIDTH) return line
    }
    const lines = items.map(
      (item, i) => pad + render(item, depth + 1, 0, i < items.length - 1 ? 1 : 0),
    )
    return `[\n${lines.join(',\n')}\n${close}]`
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined)
    if (entries.length === 0) return '{}'
    const lines = entries.map(([key, v], i) => {
      const head = `${JSON.stringify(key)}: `
      return pad + head + render(v, depth + 1, head.length, i < entries.length - 1 ? 1 : 0)
    })
    return `{\n${lines.join(',\n')}\n${close}}`
  }
  throw new TypeError(`cannot write ${typeof value} as JSON`)
}

/** The file's text: biome's JSON layout plus a final newline. */
export function resultJson(result: BenchResult | Json): string {
  return `${render(result, 0, 0, 0)}\n`
}

export function writeResultFile(path: string, result: BenchResult): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, resultJson(result))
}
