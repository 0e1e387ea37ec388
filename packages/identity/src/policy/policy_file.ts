/**
 * Policy files (`[oslo_policy] policy_file`), read as oslo's `parse_file_contents` does: JSON first
 * (deprecated but accepted), then YAML as PyYAML reads it (policy_yaml.ts). The result maps rule names to
 * check strings; an empty file means no overrides. Anything Baton cannot read the way oslo would
 * stops the server with the file and line, instead of silently changing who may do what.
 * @module
 */
import { readFileSync } from 'node:fs'
import { ServerNotReady } from '../errors.ts'
import { parsePolicyYaml } from './policy_yaml.ts'

export type PolicyRules = Readonly<Record<string, string>>

function fail(path: string, line: number | undefined, message: string): never {
  const where = line === undefined ? path : `${path}, line ${line}`
  throw new ServerNotReady(`Cannot read the policy file ${where}: ${message}`)
}

/** Parses a policy file's text; `path` is only used in error messages. */
export function parsePolicyFile(text: string, path: string): PolicyRules {
  const json = parseJson(text)
  if (json !== undefined) return fromJson(json.value, text, path)
  const yaml = parsePolicyYaml(text)
  if (!yaml.ok) fail(path, yaml.problem.line, yaml.problem.message)
  return Object.fromEntries(yaml.entries)
}

/** Reads and parses a policy file (errors name the file). */
export function readPolicyFile(path: string): PolicyRules {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    fail(path, undefined, error instanceof Error ? error.message : String(error))
  }
  return parsePolicyFile(text, path)
}

function parseJson(text: string): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) }
  } catch {
    return undefined
  }
}

function fromJson(value: unknown, text: string, path: string): PolicyRules {
  // oslo returns `parsed or {}`: null, [], "", 0 and false all mean "no rules"
  if (!value || (Array.isArray(value) && value.length === 0)) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(path, undefined, 'the JSON document must be an object of "rule": "check string"')
  }
  const rules = new Map<string, string>()
  for (const [name, check] of Object.entries(value)) {
    if (typeof check === 'string') {
      rules.set(name, check)
      continue
    }
    const reason = Array.isArray(check)
      ? 'the old list-of-lists rule syntax is not supported; write a check string'
      : 'the rule must be a check string'
    fail(path, lineOf(text, name), `rule ${JSON.stringify(name)}: ${reason}`)
  }
  return Object.fromEntries(rules)
}

/** The line where a JSON key first appears, for the error message. */
function lineOf(text: string, key: string): number | undefined {
  const at = text.indexOf(JSON.stringify(key))
  return at < 0 ? undefined : text.slice(0, at).split('\n').length
}
