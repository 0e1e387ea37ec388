/**
 * `[console]` (Baton only; Keystone has no such group): where the operator console at /console/
 * finds what it shows beyond the identity server itself. The Chains view runs `baton doctor`'s
 * checks over the services' config files; the Delegated calls and Windows views read the services'
 * audit trails (JSON lines, one per delegated call). Part of `identityOptionGroups`.
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const consoleOptions = defineGroup(
  'console',
  {
    service_config_files: opt.list({
      default: [],
      help:
        "Baton only. The config files of the services in the call chain (each service's own " +
        "file, as `baton doctor --config-file` takes them). The console's Chains view draws the " +
        'chain from them and colours each hop by the findings of the doctor. Empty: the view ' +
        'shows only the catalog.',
    }),
    audit_trail_files: opt.list({
      default: [],
      help:
        "Baton only. The services' audit trails (`[audit] file` of each reference service; " +
        'JSON lines). The Delegated calls and Windows views read them. Empty: those views say ' +
        'that no trail is configured.',
    }),
  },
  { help: 'Baton only: what the operator console at /console/ reads.' },
)
