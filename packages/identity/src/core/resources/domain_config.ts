/**
 * The domain configuration API's rules (keystone/resource/core.py DomainConfigManager): only
 * whitelisted and sensitive options of `identity` and `ldap`, Keystone's InvalidDomainConfig
 * (403) and DomainConfigNotFound (404) messages, whole-config replace on PUT, merge on PATCH
 * (a group or option route may only touch that group or option, which must already exist), and
 * sensitive options (the LDAP password) stored but never returned.
 * @module
 */
import { DomainConfigNotFound, InvalidDomainConfig, ValidationError } from '../../errors.ts'
import type { DomainConfigOption, Store } from '../../store/index.ts'
import { isObject, truthy } from '../py_values.ts'
import { DEFAULT_VALUES, SENSITIVE_OPTIONS, WHITELISTED_OPTIONS } from './domain_config_options.ts'

export type DomainConfig = Record<string, Record<string, unknown>>

const invalid = (reason: string) =>
  new InvalidDomainConfig(`Invalid domain specific configuration: ${reason}.`)

function notFound(domainId: string, group?: string, option?: string) {
  const what =
    option !== undefined
      ? `option ${option} in group ${group}`
      : group !== undefined
        ? `group ${group}`
        : 'any options'
  return new DomainConfigNotFound(
    `Could not find ${what} in domain configuration for domain ${domainId}.`,
  )
}

/** `_assert_valid_group_and_option`. */
export function assertValidGroupAndOption(group?: string, option?: string): void {
  if (group === undefined) return
  const whitelisted = WHITELISTED_OPTIONS[group]
  const sensitive = SENSITIVE_OPTIONS[group]
  if (whitelisted === undefined || sensitive === undefined) {
    throw invalid(`Group ${group} is not supported for domain specific configurations`)
  }
  if (option !== undefined && !whitelisted.includes(option) && !sensitive.includes(option)) {
    throw invalid(
      `Option ${option} in group ${group} is not supported for domain specific configurations`,
    )
  }
}

/** `_assert_valid_config`; a body Keystone cannot iterate (it answers 500) is a 400 here. */
function assertValidConfig(config: unknown): asserts config is DomainConfig {
  if (!truthy(config)) throw invalid('No options specified')
  if (!isObject(config)) throw new ValidationError('The config must be an object of groups.')
  for (const [group, options] of Object.entries(config)) {
    if (!truthy(options) || !isObject(options)) {
      throw invalid(
        `The value of group ${group} specified in the config should be a dictionary of options`,
      )
    }
    for (const option of Object.keys(options)) assertValidGroupAndOption(group, option)
  }
}

function toList(config: DomainConfig): DomainConfigOption[] {
  return Object.entries(config).flatMap(([group, options]) =>
    Object.entries(options).map(([option, value]) => ({
      group,
      option,
      value,
      sensitive: SENSITIVE_OPTIONS[group]?.includes(option) ?? false,
    })),
  )
}

function toConfig(options: readonly DomainConfigOption[]): DomainConfig {
  const config: DomainConfig = {}
  for (const o of options) {
    config[o.group] ??= {}
    ;(config[o.group] as Record<string, unknown>)[o.option] = o.value
  }
  return config
}

async function whitelisted(store: Store, domainId: string, group?: string, option?: string) {
  return (await store.domainConfig.listOptions(domainId, group, option)).filter((o) => !o.sensitive)
}

/** `get_config`: whitelisted options only; `{option: value}` when one option is asked for. */
export async function getDomainConfig(
  store: Store,
  domainId: string,
  group?: string,
  option?: string,
): Promise<Record<string, unknown>> {
  assertValidGroupAndOption(group, option)
  const found = await whitelisted(store, domainId, group, option)
  if (found.length === 0) throw notFound(domainId, group, option)
  if (option !== undefined) return { [option]: found[0]?.value }
  return toConfig(found)
}

/** Whether the domain holds configuration of its own, sensitive options included (PUT's 200 vs 201). */
export async function hasDomainConfig(store: Store, domainId: string): Promise<boolean> {
  return (await store.domainConfig.listOptions(domainId)).length > 0
}

/** `create_config`: replaces the whole configuration; answers the whitelisted part. */
export async function createDomainConfig(
  store: Store,
  domainId: string,
  config: unknown,
): Promise<DomainConfig> {
  assertValidConfig(config)
  await store.domainConfig.replaceOptions(domainId, toList(config))
  return toConfig(await whitelisted(store, domainId))
}

/** `update_config` with its `_assert_valid_update`. */
export async function updateDomainConfig(
  store: Store,
  domainId: string,
  body: unknown,
  group?: string,
  option?: string,
): Promise<Record<string, unknown>> {
  const config = group !== undefined && option !== undefined ? { [group]: body } : body
  assertValidConfig(config)
  assertValidGroupAndOption(group, option)
  if (group !== undefined) {
    const groups = Object.keys(config)
    const options = Object.keys(config[group] ?? {})
    if (groups.length !== 1 || (option !== undefined && options.length !== 1)) {
      throw invalid(
        option !== undefined
          ? `Trying to update option ${option} in group ${group}, so that, and only that, option must be specified  in the config`
          : `Trying to update group ${group}, so that, and only that, group must be specified in the config`,
      )
    }
    if (config[group] === undefined) {
      throw invalid(
        `request to update group ${group}, but config provided contains group ${groups[0]} instead`,
      )
    }
    if (option !== undefined && !options.includes(option)) {
      throw invalid(
        `Trying to update option ${option} in group ${group}, but config provided contains option ${options[0]} instead`,
      )
    }
    if ((await store.domainConfig.listOptions(domainId, group, option)).length === 0) {
      throw notFound(domainId, group, option)
    }
  }
  await store.domainConfig.upsertOptions(domainId, toList(config))
  return getDomainConfig(store, domainId)
}

/** `delete_config`: the whole configuration (never a 404), a group, or an option. */
export async function deleteDomainConfig(
  store: Store,
  domainId: string,
  group?: string,
  option?: string,
): Promise<void> {
  assertValidGroupAndOption(group, option)
  if (group !== undefined) {
    const current = toConfig(await store.domainConfig.listOptions(domainId))[group]
    if (!truthy(current)) throw notFound(domainId, group)
    if (option !== undefined && !truthy(current?.[option])) throw notFound(domainId, group, option)
  }
  await store.domainConfig.removeOptions(domainId, group, option)
}

/** `get_config_default`: Keystone's defaults of the whitelisted options. */
export function defaultDomainConfig(group?: string, option?: string): Record<string, unknown> {
  assertValidGroupAndOption(group, option)
  if (group === undefined) return structuredClone(DEFAULT_VALUES)
  const defaults = DEFAULT_VALUES[group] ?? {}
  if (option === undefined) return { [group]: structuredClone(defaults) }
  if (!(WHITELISTED_OPTIONS[group] ?? []).includes(option)) {
    throw invalid(`Reading the default for option ${option} in group ${group} is not supported`)
  }
  return { [option]: structuredClone(defaults[option]) }
}
