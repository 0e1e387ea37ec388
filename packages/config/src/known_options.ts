/**
 * The one list of options OpenStack declares that Baton knowingly does not read: Keystone's,
 * keystonemiddleware's, keystoneauth's and the oslo libraries' (generated from the installed
 * packages into known_options_data.ts), plus the sections of the services Baton's reference
 * services stand in for (nova, cinder, glance; hand-listed by group, as their packages are not
 * installed here). A file that sets one of these loads quietly: it is counted, not warned about,
 * so a real keystone.conf or nova.conf loads without a page of warnings while a typo still warns.
 * @module
 */
import { normalizeGroupName } from './groups.ts'
import { GENERATED_KNOWN_OPTIONS } from './known_options_data.ts'

/** Looks up options other programs declare. Group names are matched as oslo does (`DEFAULT`, else any case). */
export interface KnownOptions {
  /** Who declares `[group] name` (`oslo.log`, `Keystone`, `nova`...), or undefined. */
  originOf(group: string, name: string): string | undefined
  /** Every option name known in the group (for did-you-mean); empty for whole-group entries. */
  namesIn(group: string): readonly string[]
  /** Every group name known (for did-you-mean on section names). */
  groups(): readonly string[]
}

/** Sections of the services Baton's reference services stand in for: every option in them. */
const SERVICE_SECTIONS: Readonly<Record<string, string>> = {
  nova:
    'api api_database barbican cells cinder compute conductor console consoleauth cyborg devices ' +
    'ephemeral_storage_encryption filter_scheduler glance guestfs image_cache ironic key_manager ' +
    'libvirt metrics mks neutron notifications os_brick oslo_limit pci placement privsep quota ' +
    'remote_debug scheduler serial_console spice upgrade_levels vault vendordata_dynamic_auth ' +
    'vmware vnc workarounds wsgi privsep_entrypoint zvm',
  cinder: 'backend backend_defaults coordination fc-zone-manager lvm nova key_manager',
  glance: 'glance_store image_format paste_deploy store_type_location_strategy taskflow_executor',
}

/** `[DEFAULT]` options of those services that a stock config sets. */
const SERVICE_DEFAULTS: Readonly<Record<string, string>> = {
  nova:
    'my_ip compute_driver instances_path state_path enabled_apis osapi_compute_listen ' +
    'osapi_compute_listen_port osapi_compute_workers metadata_listen metadata_listen_port ' +
    'metadata_workers cpu_allocation_ratio ram_allocation_ratio disk_allocation_ratio ' +
    'initial_cpu_allocation_ratio initial_ram_allocation_ratio reserved_host_memory_mb ' +
    'allow_resize_to_same_host resume_guests_state_on_host_boot vif_plugging_timeout ' +
    'vif_plugging_is_fatal block_device_allocate_retries instance_name_template ' +
    'heal_instance_info_cache_interval rootwrap_config',
  cinder:
    'enabled_backends default_volume_type volume_driver backup_driver glance_api_servers ' +
    'osapi_volume_listen osapi_volume_listen_port osapi_volume_workers storage_availability_zone ' +
    'volume_name_template volumes_dir auth_strategy rootwrap_config',
  glance:
    'enabled_backends show_image_direct_url show_multiple_locations bind_host bind_port ' +
    'image_cache_dir enabled_import_methods node_staging_uri',
}

/**
 * Declared outside what the generator sees: options newer oslo releases added (2024.1 and later,
 * which kolla-ansible sets) and Keystone's per-method groups, registered only when the method is
 * configured.
 */
const LATER_OR_DYNAMIC: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'oslo.messaging': {
    oslo_messaging_rabbit:
      'rabbit_transient_quorum_queue use_queue_manager hostname processname rabbit_stream_fanout ' +
      'rabbit_transient_queues_ttl rabbit_quorum_max_memory_bytes rabbit_quorum_max_memory_length',
  },
  Keystone: {
    auth: 'openid saml2 mapped x509 kerberos totp oauth2 external',
    openid: 'remote_id_attribute',
    saml2: 'remote_id_attribute',
    mapped: 'remote_id_attribute',
    x509: 'remote_id_attribute',
  },
}

const WHOLE_GROUP = '*'

function buildIndex(): Map<string, Map<string, string>> {
  const index = new Map<string, Map<string, string>>()
  const add = (origin: string, group: string, names: readonly string[]) => {
    const key = normalizeGroupName(group)
    const options = index.get(key) ?? new Map<string, string>()
    index.set(key, options)
    for (const name of names) if (!options.has(name)) options.set(name, origin)
  }
  for (const catalog of [GENERATED_KNOWN_OPTIONS, LATER_OR_DYNAMIC]) {
    for (const [origin, groups] of Object.entries(catalog)) {
      for (const [group, names] of Object.entries(groups)) add(origin, group, names.split(' '))
    }
  }
  for (const [origin, names] of Object.entries(SERVICE_DEFAULTS)) {
    add(origin, 'DEFAULT', names.split(' '))
  }
  for (const [origin, groups] of Object.entries(SERVICE_SECTIONS)) {
    for (const group of groups.split(' ')) add(origin, group, [WHOLE_GROUP])
  }
  return index
}

let index: Map<string, Map<string, string>> | undefined

/** OpenStack's options as Keystone 22 and its libraries declare them, and the services' sections. */
export const openstackOptions: KnownOptions = Object.freeze({
  originOf(group: string, name: string): string | undefined {
    index ??= buildIndex()
    const options = index.get(normalizeGroupName(group))
    return options?.get(name) ?? options?.get(WHOLE_GROUP)
  },
  namesIn(group: string): readonly string[] {
    index ??= buildIndex()
    return [...(index.get(normalizeGroupName(group))?.keys() ?? [])].filter(
      (n) => n !== WHOLE_GROUP,
    )
  },
  groups(): readonly string[] {
    index ??= buildIndex()
    return [...index.keys()]
  },
})
