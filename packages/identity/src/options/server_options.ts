/**
 * `[DEFAULT]` workers, `[database]`, `[oslo_middleware]` and `[http_server]`: how the identity
 * process serves and stores.
 * Keystone's group and option names and defaults; part of `identityOptionGroups` (../options.ts).
 * @module
 */
import {
  defineGroup,
  enableProxyHeadersParsing,
  healthcheckOptions,
  httpServerOptions,
  metricsOptions,
  opt,
  sslOptions,
} from '@baton/config'

export const defaultOptions = defineGroup('DEFAULT', {
  workers: opt.int({
    default: 1,
    min: 1,
    max: 256,
    help:
      'Number of identity server processes sharing the listening port (Keystone deployments run ' +
      'several uwsgi workers). Fernet validation is stateless, so any worker answers any token.',
  }),
  strict_password_check: opt.bool({
    default: false,
    help:
      'If set to true, strict password length checking is performed for password manipulation. ' +
      'If a password exceeds the maximum length, the operation will fail with an HTTP 403 ' +
      'Forbidden error. If set to false, passwords are automatically truncated to the maximum ' +
      'length.',
  }),
  public_endpoint: opt.uri({
    help:
      'The base public endpoint URL for Keystone that is advertised to clients (NOTE: this does ' +
      'NOT affect how Keystone listens for connections). If unset, the base URL is derived from ' +
      'the request: scheme, host and port the client used.',
  }),
})

export const osloMiddlewareOptions = defineGroup(
  'oslo_middleware',
  {
    max_request_body_size: opt.int({
      default: 114688,
      min: 0,
      help: 'The maximum body size for each request, in bytes (larger bodies get 413).',
      deprecatedNames: [{ group: 'DEFAULT', name: 'osapi_max_request_body_size' }],
    }),
    enable_proxy_headers_parsing: enableProxyHeadersParsing,
  },
  { help: 'Request limits and reverse-proxy headers (oslo.middleware).' },
)

export const databaseOptions = defineGroup(
  'database',
  {
    connection: opt.str({
      default: 'sqlite:///keystone.db',
      secret: true,
      help:
        'The SQLAlchemy-style connection string: sqlite:///relative/path, sqlite:////absolute/path, ' +
        'postgresql://user:password@host:port/dbname (postgresql+psycopg2:// is accepted too) or ' +
        'mysql+pymysql://user:password@host:port/dbname?charset=utf8mb4 for MySQL/MariaDB ' +
        '(mysql:// and mysql+mysqldb:// are accepted too; ?unix_socket=/path for a local socket).',
    }),
    max_pool_size: opt.int({
      default: 10,
      min: 1,
      max: 1000,
      help:
        'Maximum number of connections each identity process keeps open to PostgreSQL or ' +
        'MySQL/MariaDB (ignored for SQLite, which uses one). oslo.db defaults to 5 plus ' +
        'max_overflow; Baton has no overflow and defaults to 10.',
    }),
    connection_recycle_time: opt.int({
      default: 3600,
      min: 1,
      help:
        'MySQL/MariaDB: a pooled connection idle for this many seconds is closed and replaced by ' +
        "a new one when next needed, so the server's wait_timeout never hands the pool a dead " +
        'connection (oslo.db recycles by age; the mysql2 pool Baton uses can only by idleness).',
    }),
    max_retries: opt.int({
      default: 10,
      min: -1,
      help:
        'How many times the identity server, trust flush and delegation flush retry connecting ' +
        'to an unreachable database at start before they give up (-1: forever), as oslo.db; ' +
        'not db sync. Only an unreachable database is retried (refused, timed out, reset), never ' +
        'a bad password or a missing database. Baton waits 0.5 s, then doubles the wait up to ' +
        'retry_interval.',
    }),
    retry_interval: opt.int({
      default: 10,
      min: 1,
      help: 'The longest wait, in seconds, between two attempts to reach the database at start.',
    }),
  },
  { help: 'The identity database.' },
)

/**
 * `[http_server]`: header, body-rate and whole-request deadlines (slow clients get 408), and
 * `[ssl]`: oslo.service's HTTPS options (cert_file, key_file, ca_file). Declared in @baton/config
 * because the reference services and the echo server serve the same way.
 */
/** `[healthcheck]` (oslo.middleware) and `[metrics]` (Baton-only): declared in @baton/config, shared with the services. */
export { healthcheckOptions, httpServerOptions, metricsOptions, sslOptions }
