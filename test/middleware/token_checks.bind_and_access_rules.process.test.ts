/**
 * The checks after identity vouched for a token: token bind (`enforce_token_bind`) and application
 * credential access rules, as keystonemiddleware's `_confirm_token_bind` and
 * `validate_allowed_request` decide them. Path patterns are cross-checked with keystonemiddleware's
 * own `_path_matches` where the Python module is installed.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { AccessInfo } from '../../packages/client/src/index.ts'
import { InvalidToken } from '../../packages/middleware/src/errors.ts'
import {
  checkAccessRules,
  confirmTokenBind,
  parseBindMode,
  pathMatches,
  type RequestFacts,
} from '../../packages/middleware/src/token_checks.ts'

const token = (fields: Record<string, unknown>) =>
  AccessInfo.fromTokenResponse('t', {
    token: { expires_at: '2030-01-01T00:00:00.000000Z', ...fields },
  })
const GET: RequestFacts = { method: 'GET', path: '/v2.1/servers/abc' }
const invalid = (fn: () => void) => assert.throws(fn, InvalidToken)

test('bind: disabled ignores binds; permissive and strict accept an unbound token; required does not', () => {
  const unbound = token({})
  const kerberos = token({ bind: { kerberos: 'alice@REALM' } })
  confirmTokenBind(kerberos, parseBindMode('disabled'), GET)
  confirmTokenBind(unbound, parseBindMode('permissive'), GET)
  confirmTokenBind(unbound, parseBindMode('strict'), GET)
  invalid(() => confirmTokenBind(unbound, parseBindMode('required'), GET))
  invalid(() => confirmTokenBind(unbound, parseBindMode('kerberos'), GET))
})

test('bind: kerberos must be proven by the web server; unknown types pass only when permissive', () => {
  const kerberos = token({ bind: { kerberos: 'alice@REALM' } })
  const proven = { ...GET, authType: 'Negotiate', remoteUser: 'alice@REALM' }
  confirmTokenBind(kerberos, parseBindMode('permissive'), proven)
  confirmTokenBind(kerberos, parseBindMode('kerberos'), proven)
  invalid(() => confirmTokenBind(kerberos, parseBindMode('permissive'), GET))
  invalid(() =>
    confirmTokenBind(kerberos, parseBindMode('permissive'), { ...proven, remoteUser: 'bob@REALM' }),
  )
  const x509 = token({ bind: { x509: 'CN=alice' } })
  confirmTokenBind(x509, parseBindMode('permissive'), GET)
  invalid(() => confirmTokenBind(x509, parseBindMode('strict'), GET))
  invalid(() => confirmTokenBind(x509, parseBindMode('kerberos'), GET))
})

const catalog = [{ type: 'compute', endpoints: [{ interface: 'public', url: 'http://n/v2.1' }] }]
const restricted = (rules: unknown[]) =>
  token({ catalog, application_credential: { id: 'ac', access_rules: rules } })

test('access rules: method, service and path must match one rule, unless a service token came', () => {
  const user = restricted([{ service: 'compute', method: 'GET', path: '/v2.1/servers/{id}' }])
  checkAccessRules(user, GET, 'compute', false)
  invalid(() =>
    checkAccessRules(user, { method: 'DELETE', path: '/v2.1/servers/abc' }, 'compute', false),
  )
  invalid(() =>
    checkAccessRules(user, { method: 'GET', path: '/v2.1/servers/abc/action' }, 'compute', false),
  )
  checkAccessRules(user, { method: 'DELETE', path: '/v2.1/servers/abc' }, 'compute', true)
  invalid(() => checkAccessRules(restricted([]), GET, 'compute', false))
})

test('access rules: need service_type, and the service in the token catalog', () => {
  const user = restricted([{ service: 'compute', method: 'GET', path: '/**' }])
  invalid(() => checkAccessRules(user, GET, undefined, false))
  invalid(() => checkAccessRules(user, GET, 'volumev3', true))
  checkAccessRules(token({}), GET, undefined, false)
  const identity = restricted([])
  checkAccessRules(identity, { method: 'GET', path: '/v3/auth/tokens' }, 'identity', false)
})

const PATTERNS: [string, string][] = [
  ['/v2.1/servers', '/v2.1/servers'],
  ['/v2.1/servers/abc', '/v2.1/servers/*'],
  ['/v2.1/servers/abc', '/v2.1/servers/{server_id}'],
  ['/v2.1/servers/abc/action', '/v2.1/servers/*'],
  ['/v2.1/servers/abc/action', '/v2.1/servers/**'],
  ['/v2.1/servers/', '/v2.1/servers/*'],
  ['/v1/AUTH_p/c/o/deep', '/v1/*/c/**'],
  ['/v1/AUTH_p/c', '/v1/*/c/**'],
  ['/anything', '**'],
]

test('path patterns: * and {tag} are one segment, ** is anything, as keystonemiddleware', (t) => {
  const py = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      'import json,sys\nfrom keystonemiddleware.auth_token import _path_matches\n' +
        'print(json.dumps([bool(_path_matches(p, q)) for p, q in json.load(sys.stdin)]))',
    ],
    { input: JSON.stringify(PATTERNS), encoding: 'utf8' },
  )
  const ours = PATTERNS.map(([path, pattern]) => pathMatches(path, pattern))
  assert.deepEqual(ours, [true, true, true, false, true, false, true, false, true])
  if (py.status !== 0)
    return t.skip(
      'python3-keystonemiddleware not installed: apt-get install python3-keystonemiddleware',
    )
  assert.deepEqual(ours, JSON.parse(py.stdout))
  // the one deliberate difference: a `.` is literal here, any character there
  assert.equal(pathMatches('/v2x1/servers', '/v2.1/servers'), false)
})
