/**
 * A policy target as `%(...)s` substitutions see it: Keystone flattens the policy dict with
 * `keystone.common.utils.flatten_dict` (nested mappings become dotted keys, lists stay values)
 * before oslo formats `match % target`. Handlers may pass nested objects, dotted keys or both; the
 * flattening happens lazily, only for checks that substitute something.
 * @module
 */

import { isPlainObject, pyRepr } from '@baton/config'
import type { PolicyTarget } from '../core/caller.ts'
import type { TemplateSource } from './match_template.ts'

export class TargetView implements TemplateSource {
  readonly #target: PolicyTarget
  #flat: Map<string, unknown> | undefined

  constructor(target: PolicyTarget | undefined) {
    this.#target = target ?? {}
  }

  lookup(key: string): { readonly value: unknown } | undefined {
    const flat = this.#flatten()
    return flat.has(key) ? { value: flat.get(key) } : undefined
  }

  whole(): string {
    return pyRepr(Object.fromEntries(this.#flatten()))
  }

  #flatten(): Map<string, unknown> {
    if (this.#flat === undefined) {
      this.#flat = new Map()
      flattenInto(this.#flat, this.#target, '')
    }
    return this.#flat
  }
}

function flattenInto(out: Map<string, unknown>, value: PolicyTarget, prefix: string): void {
  for (const [key, v] of Object.entries(value)) {
    // an undefined property is an absent key (a Python dict has no such value)
    if (v === undefined) continue
    const name = prefix ? `${prefix}.${key}` : key
    if (isPlainObject(v)) flattenInto(out, v, name)
    else out.set(name, v)
  }
}
