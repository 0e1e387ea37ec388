/**
 * The right-hand side of a check (`%(target.user.id)s`), as oslo.policy evaluates it: Python's
 * `match % target` with the flattened target dict. Parsed once per check string; rendering walks
 * the parts left to right like Python does, so a missing key (KeyError: the check is False) found
 * before a malformed specifier wins, and a malformed one found first aborts the whole evaluation
 * (Python raises ValueError/TypeError there, which Keystone turns into a 500).
 * @module
 */

import { pyRepr, pyStr } from '@baton/config'
import { EvalAbort } from './check_types.ts'

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'key'; readonly key: string; readonly format: Format }
  /** `%s` without a key formats the whole mapping (only valid as the first specifier). */
  | { readonly kind: 'whole'; readonly format: Format }
  | { readonly kind: 'error'; readonly reason: string }

export interface MatchTemplate {
  /** The rendered text when the template has no specifier at all. */
  readonly constant: string | undefined
  readonly parts: readonly Part[]
}

/** What a template reads: one flattened key, or the whole flattened dict for `%s`. */
export interface TemplateSource {
  /** `undefined` when the key is absent (Python KeyError). */
  lookup(key: string): { readonly value: unknown } | undefined
  /** Python `str()` of the whole flattened dict. */
  whole(): string
}

/** A `%s`/`%r`/`%a` conversion with Python's `-` flag, width and precision. */
interface Format {
  readonly repr: boolean
  readonly left: boolean
  readonly width: number
  readonly precision: number | undefined
}

const FLAGS = new Set(['-', '+', ' ', '#', '0'])
const LENGTH = new Set(['h', 'l', 'L'])

export function parseMatchTemplate(source: string): MatchTemplate {
  if (!source.includes('%')) return { constant: source, parts: [{ kind: 'text', text: source }] }
  const parts: Part[] = []
  let text = ''
  let specifiers = 0
  let i = 0
  const fail = (reason: string): MatchTemplate => {
    if (text) parts.push({ kind: 'text', text })
    parts.push({ kind: 'error', reason })
    return { constant: undefined, parts }
  }
  while (i < source.length) {
    const ch = source[i] as string
    if (ch !== '%') {
      text += ch
      i++
      continue
    }
    i++
    if (source[i] === '%') {
      text += '%'
      i++
      continue
    }
    let key: string | undefined
    if (source[i] === '(') {
      // Python counts nested parentheses inside the key
      let depth = 1
      const start = ++i
      while (i < source.length && depth > 0) {
        if (source[i] === '(') depth++
        else if (source[i] === ')') depth--
        i++
      }
      if (depth > 0) return fail('incomplete format key')
      key = source.slice(start, i - 1)
    }
    let left = false
    while (i < source.length && FLAGS.has(source[i] as string)) left ||= source[i++] === '-'
    const spec = /^(\*|[0-9]*)(?:\.(\*|[0-9]*))?/.exec(source.slice(i)) ?? ['']
    // `*` takes its value from a tuple argument; with a mapping Python raises
    if (spec[0].includes('*')) return fail('"*" width or precision needs a tuple argument')
    i += spec[0].length
    const width = Number(spec[1] || 0)
    const precision = spec[0].includes('.') ? Number(spec[2] || 0) : undefined
    while (i < source.length && LENGTH.has(source[i] as string)) i++
    if (i >= source.length) return fail('incomplete format')
    const conversion = source[i++] as string
    if (conversion !== 's' && conversion !== 'r' && conversion !== 'a') {
      return fail(`unsupported format character ${JSON.stringify(conversion)}`)
    }
    if (text) parts.push({ kind: 'text', text })
    text = ''
    const format: Format = { repr: conversion !== 's', left, width, precision }
    if (key !== undefined) parts.push({ kind: 'key', key, format })
    else if (specifiers === 0) parts.push({ kind: 'whole', format })
    else return fail('not enough arguments for format string')
    specifiers++
  }
  if (text) parts.push({ kind: 'text', text })
  return { constant: undefined, parts }
}

/** The rendered match, or `undefined` when a key is missing (the check is then False). */
export function renderMatch(template: MatchTemplate, source: TemplateSource): string | undefined {
  if (template.constant !== undefined) return template.constant
  let out = ''
  for (const part of template.parts) {
    switch (part.kind) {
      case 'text':
        out += part.text
        break
      case 'key': {
        const found = source.lookup(part.key)
        if (found === undefined) return undefined
        out += applyFormat(part.format.repr ? pyRepr(found.value) : pyStr(found.value), part.format)
        break
      }
      case 'whole':
        // str() and repr() of a dict print the same
        out += applyFormat(source.whole(), part.format)
        break
      case 'error':
        throw new EvalAbort(part.reason)
    }
  }
  return out
}

function applyFormat(text: string, format: Format): string {
  const cut = format.precision === undefined ? text : [...text].slice(0, format.precision).join('')
  const pad = ' '.repeat(Math.max(0, format.width - [...cut].length))
  return format.left ? cut + pad : pad + cut
}

/** True when some specifier can never render (the check always aborts once reached). */
export function templateError(template: MatchTemplate): string | undefined {
  for (const part of template.parts) if (part.kind === 'error') return part.reason
  return undefined
}
