import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  Conflict,
  DatabaseBusy,
  Forbidden,
  IdentityErrorCode,
  KeysNotFound,
  KeystoneError,
  keystoneErrorBody,
  NotFound,
  TokenNotFound,
  TokenPayloadError,
  Unauthorized,
  UnexpectedError,
  ValidationError,
} from '../../packages/identity/src/index.ts'

describe('identity error registry', () => {
  const table = [
    [ValidationError, 400, 'Bad Request', IdentityErrorCode.Validation],
    [Unauthorized, 401, 'Unauthorized', IdentityErrorCode.Unauthorized],
    [Forbidden, 403, 'Forbidden', IdentityErrorCode.Forbidden],
    [NotFound, 404, 'Not Found', IdentityErrorCode.NotFound],
    [TokenNotFound, 404, 'Not Found', IdentityErrorCode.TokenNotFound],
    [Conflict, 409, 'Conflict', IdentityErrorCode.Conflict],
    [UnexpectedError, 500, 'Internal Server Error', IdentityErrorCode.Unexpected],
    [KeysNotFound, 500, 'Internal Server Error', IdentityErrorCode.KeysNotFound],
    [TokenPayloadError, 500, 'Internal Server Error', IdentityErrorCode.TokenPayloadInvalid],
    [DatabaseBusy, 503, 'Service Unavailable', IdentityErrorCode.DatabaseBusy],
  ] as const
  for (const [Class, status, title, code] of table) {
    it(`${Class.name}: ${status} ${title}, ${code}`, () => {
      const cause = new Error('inner')
      const error = new Class('message', { cause })
      assert.ok(error instanceof KeystoneError)
      assert.ok(error instanceof Error)
      assert.equal(error.name, Class.name)
      assert.equal(error.status, status)
      assert.equal(error.title, title)
      assert.equal(error.code, code)
      assert.equal(error.cause, cause)
    })
  }

  it('renders Keystone error bodies, hiding 5xx details', () => {
    assert.deepStrictEqual(
      keystoneErrorBody(new TokenNotFound('Could not recognize Fernet token')),
      {
        error: { code: 404, title: 'Not Found', message: 'Could not recognize Fernet token' },
      },
    )
    assert.equal(
      keystoneErrorBody(new TokenPayloadError('trust id')).error.message,
      'An unexpected error prevented the server from fulfilling your request.',
    )
    // a 5xx says its class's fixed message, never the instance's detail
    assert.deepStrictEqual(keystoneErrorBody(new DatabaseBusy('SQLITE_BUSY at /var/lib/x.db')), {
      error: {
        code: 503,
        title: 'Service Unavailable',
        message: 'The identity database is busy with other writes. Retry the request.',
      },
    })
    assert.equal(new Unauthorized().message, 'The request you have made requires authentication.')
  })
})
