import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type AuthEnv, createAuthEnv, passwordAuth } from '../../core/tokens/auth_env.ts'

/** Every answer to bad input is a Keystone error body with a 4xx, never a 500. */
function assertClientError(res: { statusCode: number; body: string }, label: string): void {
  assert.ok(
    res.statusCode >= 400 && res.statusCode < 500,
    `${label}: ${res.statusCode} ${res.body}`,
  )
  const body = JSON.parse(res.body) as { error: { code: number; title: string; message: string } }
  assert.equal(body.error.code, res.statusCode, label)
  assert.equal(typeof body.error.message, 'string', label)
}

describe('bad input to /v3/auth never makes a 500', () => {
  let env: AuthEnv
  let token: string
  before(async () => {
    env = await createAuthEnv()
    const res = await env.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      payload: { auth: passwordAuth(env.seeded.users.alice, 'alice') },
    })
    token = String(res.headers['x-subject-token'])
  })
  after(() => env.close())

  test('POST /v3/auth/tokens bodies', async () => {
    const { users } = env.seeded
    const user = (u: unknown) => ({
      auth: { identity: { methods: ['password'], password: { user: u } } },
    })
    const bodies: [string, string | undefined, number, string?][] = [
      ['no body', undefined, 400],
      ['not JSON', '{"auth":', 400],
      ['an array', '[]', 400],
      ['auth array', '{"auth":[]}', 400, "[] is not of type 'object'"],
      ['auth false', '{"auth":false}', 400, "False is not of type 'object'"],
      ['auth number', '{"auth":1.5}', 400, "1.5 is not of type 'object'"],
      ['methods null', JSON.stringify({ auth: { identity: { methods: null } } }), 400],
      ['methods object', JSON.stringify({ auth: { identity: { methods: {} } } }), 400],
      ['methods nested', JSON.stringify({ auth: { identity: { methods: [['password']] } } }), 400],
      [
        'unknown method',
        JSON.stringify({ auth: { identity: { methods: ['nope'], nope: {} } } }),
        401,
      ],
      ['__proto__ method', '{"auth":{"identity":{"methods":["__proto__"]}}}', 400],
      ['constructor method', '{"auth":{"identity":{"methods":["constructor"]}}}', 400],
      [
        'password null',
        JSON.stringify({ auth: { identity: { methods: ['password'], password: null } } }),
        400,
      ],
      ['user null', JSON.stringify(user(null)), 400],
      ['user array', JSON.stringify(user([])), 400],
      [
        'password number',
        JSON.stringify(user({ id: users.bob, password: 1234 })),
        400,
        "Invalid input for field 'identity/password/user/password': *** is not of type 'string'",
      ],
      [
        'domain string',
        JSON.stringify(user({ name: 'bob', domain: 'default', password: 'x' })),
        400,
      ],
      ['domain empty', JSON.stringify(user({ name: 'bob', domain: {}, password: 'x' })), 400],
      [
        'domain ids empty',
        JSON.stringify(user({ name: 'bob', domain: { id: '' }, password: 'x' })),
        400,
      ],
      ['huge id', JSON.stringify(user({ id: 'x'.repeat(10000), password: 'x' })), 401],
      ['unicode id', JSON.stringify(user({ id: '\u{1F600}\u0000', password: 'x' })), 401],
      [
        'lone surrogate password',
        `{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"${users.bob}","password":"\\ud800"}}}}}`,
        400,
      ],
      [
        'token id number',
        JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: 1 } } } }),
        400,
      ],
      [
        'token garbage',
        JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: '!!!' } } } }),
        404,
      ],
      [
        'token empty',
        JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: '' } } } }),
        404,
      ],
      [
        'token huge',
        JSON.stringify({
          auth: { identity: { methods: ['token'], token: { id: 'g'.repeat(5000) } } },
        }),
        404,
      ],
      ['scope null', JSON.stringify({ ...passwordAuth(users.bob, 'bob'), scope: null }), 400],
      [
        'scope array',
        JSON.stringify({ auth: { ...passwordAuth(users.bob, 'bob'), scope: [] } }),
        400,
      ],
      [
        'scope project null',
        JSON.stringify({ auth: passwordAuth(users.bob, 'bob', { project: null }) }),
        400,
      ],
      [
        'scope project id number',
        JSON.stringify({ auth: passwordAuth(users.bob, 'bob', { project: { id: 5 } }) }),
        400,
      ],
      [
        'scope domain string',
        JSON.stringify({ auth: passwordAuth(users.bob, 'bob', { domain: 'x' }) }),
        400,
      ],
      [
        'scope project name empty',
        JSON.stringify({ auth: passwordAuth(users.bob, 'bob', { project: { name: '' } }) }),
        401,
      ],
      [
        'scope system empty',
        JSON.stringify({ auth: passwordAuth(users.bob, 'bob', { system: {} }) }),
        401,
      ],
      [
        'scope system 1',
        JSON.stringify({ auth: passwordAuth(users.bob, 'bob', { system: { all: 1 } }) }),
        400,
      ],
      [
        'app cred secret object',
        JSON.stringify({
          auth: {
            identity: {
              methods: ['application_credential'],
              application_credential: { id: 'x', secret: {} },
            },
          },
        }),
        404,
      ],
      [
        'app cred id number',
        JSON.stringify({
          auth: {
            identity: { methods: ['application_credential'], application_credential: { id: 7 } },
          },
        }),
        404,
      ],
      [
        'app cred user string',
        JSON.stringify({
          auth: {
            identity: {
              methods: ['application_credential'],
              application_credential: { name: 'm', user: 'alice' },
            },
          },
        }),
        400,
      ],
    ]
    for (const [label, payload, status, message] of bodies) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        headers: { 'content-type': 'application/json' },
        ...(payload === undefined ? {} : { payload }),
      })
      assertClientError(res, label)
      assert.equal(res.statusCode, status, `${label}: ${res.body}`)
      if (message !== undefined) {
        assert.equal((res.json() as { error: { message: string } }).error.message, message, label)
      }
      assert.ok(!res.body.includes('1234'), `${label}: a password leaked`)
    }
  })

  test('bodies nested past 256 levels or not UTF-8 are 400s before any code walks them', async () => {
    const { users } = env.seeded
    const auth = JSON.stringify({ auth: passwordAuth(users.bob, 'bob') })
    const bodies: [string, string | Buffer][] = [
      ['auth 5000 arrays deep', `{"auth": ${'['.repeat(5000)}${']'.repeat(5000)}}`],
      ['auth 257 objects deep', `{"auth": ${'{"a":'.repeat(256)}1${'}'.repeat(256)}}`],
      [
        'a 10000-deep extra key',
        `${auth.slice(0, -1)}, "x": ${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`,
      ],
      ['a deep array in a string-free body', `[${'['.repeat(300)}${']'.repeat(300)}]`],
      [
        'FF FE in the password',
        Buffer.concat([
          Buffer.from(auth.replace('"bob"}', '"bo').slice(0, auth.indexOf('"bob"}') + 3)),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(auth.slice(auth.indexOf('"bob"}') + 4)),
        ]),
      ],
      ['a lone continuation byte', Buffer.concat([Buffer.from(auth), Buffer.from([0x80])])],
    ]
    for (const [label, payload] of bodies) {
      const res = await env.app.inject({
        method: 'POST',
        url: '/v3/auth/tokens',
        headers: { 'content-type': 'application/json' },
        payload,
      })
      assertClientError(res, label)
      assert.equal(res.statusCode, 400, `${label}: ${res.body}`)
      assert.match(
        res.json().error.message,
        /^Expecting to find valid JSON in request body\./,
        label,
      )
    }
    // 256 levels (the body object is the first) are still JSON
    const deepest = `${auth.slice(0, -1)}, "x": ${'{"a":'.repeat(255)}1${'}'.repeat(255)}}`
    const ok = await env.app.inject({
      method: 'POST',
      url: '/v3/auth/tokens',
      headers: { 'content-type': 'application/json' },
      payload: deepest,
    })
    assert.equal(ok.statusCode, 201, ok.body)
  })

  test('garbage in X-Auth-Token and X-Subject-Token, on every route', async () => {
    const garbage = [
      'x',
      'gAAAAA',
      `${token}==`,
      token.slice(0, -1),
      token.toUpperCase(),
      '%00',
      'a'.repeat(8192),
      '😀',
    ]
    const routes: ['GET' | 'HEAD' | 'DELETE', string][] = [
      ['GET', '/v3/auth/tokens'],
      ['HEAD', '/v3/auth/tokens'],
      ['DELETE', '/v3/auth/tokens'],
      ['GET', '/v3/auth/catalog'],
      ['GET', '/v3/auth/projects'],
      ['GET', '/v3/auth/domains'],
      ['GET', '/v3/auth/system'],
    ]
    for (const [method, url] of routes) {
      for (const bad of garbage) {
        const header = Buffer.from(bad).toString('latin1')
        const asCaller = await env.app.inject({
          method,
          url,
          headers: { 'x-auth-token': header, 'x-subject-token': token },
        })
        assert.equal(asCaller.statusCode, 401, `${method} ${url} caller ${bad.slice(0, 20)}`)
        if (url === '/v3/auth/tokens') {
          const asSubject = await env.app.inject({
            method,
            url,
            headers: { 'x-auth-token': token, 'x-subject-token': header },
          })
          assert.equal(asSubject.statusCode, 404, `${method} ${url} subject ${bad.slice(0, 20)}`)
        }
      }
    }
  })

  test('query strings: repeated and odd allow_expired / nocatalog values', async () => {
    for (const query of [
      'allow_expired=1&allow_expired=0',
      'allow_expired[]=1',
      'nocatalog&nocatalog',
      'allow_expired=%E2%82%AC',
      'allow_expired=%ZZ',
    ]) {
      const res = await env.app.inject({
        url: `/v3/auth/tokens?${query}`,
        headers: { 'x-auth-token': token, 'x-subject-token': token },
      })
      assert.ok(res.statusCode === 200 || res.statusCode === 400, `${query}: ${res.statusCode}`)
    }
  })
})
