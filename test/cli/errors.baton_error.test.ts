import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CliError, CliErrorCode } from '../../packages/cli/src/errors.ts'
import {
  NotFound as ClientNotFound,
  ConnectFailure,
  HttpError,
} from '../../packages/client/src/index.ts'
import {
  CloudError,
  CloudErrorCode,
  NotFound as CloudNotFound,
} from '../../packages/cloud/src/kit/errors.ts'
import { BatonError, ConfigError, ConfigErrorCode } from '../../packages/config/src/index.ts'
import { FernetError, FernetErrorCode } from '../../packages/fernet/src/index.ts'
import {
  KeystoneError,
  KeystoneImportError,
  MigrationFailedError,
  StoreConfigError,
  TokenNotFound,
} from '../../packages/identity/src/errors.ts'
import { InvalidToken, MiddlewareConfigError } from '../../packages/middleware/src/errors.ts'

// Every package's registry extends the one base: the CLI's `instanceof BatonError` relies on it.
describe('BatonError is the base of every package registry', () => {
  const http = { status: 404, method: 'GET', url: 'http://x/v3', body: '' }
  const cases: ReadonlyArray<readonly [BatonError, string, string]> = [
    [new ConfigError(ConfigErrorCode.File, 'm'), 'ConfigError', 'BATON_CONFIG_FILE'],
    [new FernetError(FernetErrorCode.NoKeys, 'm'), 'FernetError', 'BATON_FERNET_NO_KEYS'],
    [new TokenNotFound('m'), 'TokenNotFound', 'BATON_TOKEN_NOT_FOUND'],
    [new StoreConfigError('m'), 'StoreConfigError', 'BATON_STORE_CONFIG'],
    [new MigrationFailedError('m'), 'MigrationFailedError', 'BATON_MIGRATION_FAILED'],
    [new KeystoneImportError('m'), 'KeystoneImportError', 'BATON_KEYSTONE_IMPORT'],
    [new MiddlewareConfigError('m'), 'MiddlewareConfigError', 'BATON_MIDDLEWARE_CONFIG'],
    [new InvalidToken('m'), 'InvalidToken', 'BATON_MIDDLEWARE_INVALID_TOKEN'],
    [new HttpError({ ...http, status: 418 }), 'HttpError', 'BATON_CLIENT_HTTP'],
    [new ClientNotFound(http), 'NotFound', 'BATON_CLIENT_NOT_FOUND'],
    [new ConnectFailure('m'), 'ConnectFailure', 'BATON_CLIENT_CONNECT_FAILURE'],
    [new CloudNotFound('m'), 'NotFound', 'BATON_CLOUD_NOT_FOUND'],
    [
      new CloudError(CloudErrorCode.BadRequest, 412, 'preconditionFailed', 'm'),
      'CloudError',
      'BATON_CLOUD_BAD_REQUEST',
    ],
    [new CliError(CliErrorCode.PortBusy, 'm'), 'CliError', 'BATON_CLI_PORT_BUSY'],
  ]
  for (const [error, name, code] of cases) {
    it(`${name} ${code}`, () => {
      assert.ok(error instanceof BatonError)
      assert.equal(error.name, name)
      assert.equal(error.code, code)
      // an own property, so loggers and util.inspect show it
      assert.ok(Object.hasOwn(error, 'code'))
    })
  }

  it("a class's static code is its instances' code", () => {
    assert.equal(TokenNotFound.code, new TokenNotFound().code)
    assert.equal(ConnectFailure.code, new ConnectFailure('m').code)
    assert.ok(new TokenNotFound() instanceof KeystoneError)
  })

  it('keeps the cause', () => {
    const cause = new Error('inner')
    assert.equal(new ConnectFailure('m', { cause }).cause, cause)
    assert.equal(new ConfigError(ConfigErrorCode.Parse, 'm', { cause }).cause, cause)
  })
})
