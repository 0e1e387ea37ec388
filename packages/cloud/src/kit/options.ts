/**
 * Options every reference service reads: where it listens, where its data lives, its audit trail.
 * `[keystone_authtoken]` (receiving) and `[service_user]` (sending) come from the middleware and the
 * client; service-specific groups live beside each service.
 * @module
 */
import { defineGroup, opt } from '@baton/config'

export const serviceDefaultOptions = defineGroup('DEFAULT', {
  host: opt.str({ default: '127.0.0.1', help: 'Address to listen on.' }),
  port: opt.port({ help: 'Port to listen on (each service has its OpenStack default).' }),
  data_dir: opt.str({ required: true, help: 'Directory for this service’s database and data.' }),
  public_endpoint: opt.str({
    help: 'Base URL clients reach this service at (for links in responses); default: the request’s host.',
  }),
})

export const auditOptions = defineGroup(
  'audit',
  {
    file: opt.str({
      help: 'JSON lines file for the audit trail of delegated calls; default <data_dir>/audit.log.',
    }),
  },
  { help: 'Who acted for whom: one JSON line per request a service handled or made for a user.' },
)
