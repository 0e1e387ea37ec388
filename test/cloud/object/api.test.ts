import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startTestIdentity, type TestIdentity } from '../../support/identity_server.ts'
import {
  accountUrl,
  type Login,
  loginAdmin,
  loginUser,
  type Storage,
  startStorage,
} from '../storage_support.ts'

const MAX_FILE = 16 * 1024 * 1024

describe('object service: Swift API on local disk', () => {
  let identity: TestIdentity
  let storage: Storage
  let alice: Login
  let other: Login
  let admin: Login
  let account: string

  const swift = (path: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${account}${path}`, {
      ...init,
      headers: {
        ...(token === undefined ? {} : { 'X-Auth-Token': token }),
        ...(init.headers as Record<string, string>),
      },
    })

  before(async () => {
    identity = await startTestIdentity()
    storage = await startStorage({
      identityUrl: identity.url,
      clock: identity.clock,
      authtoken: identity.authtokenOptions(),
      imageServiceUser: { name: 'svc', password: 'pw-svc' },
      objectConfig: ['[swift-constraints]', `max_file_size = ${MAX_FILE}`],
    })
    alice = await loginUser(identity.url, identity.users.alice)
    other = await loginUser(identity.url, identity.users.nosvc)
    admin = await loginAdmin(identity.url)
    account = accountUrl(storage, alice.projectId)
  })
  after(async () => {
    await storage?.close()
    await identity?.close()
  })

  test('GET /info answers without a token; the API does not', async () => {
    const info = await fetch(`http://127.0.0.1:${storage.objectPort}/info`)
    assert.equal(info.status, 200)
    const body = (await info.json()) as { swift: { max_file_size: number } }
    assert.equal(body.swift.max_file_size, MAX_FILE)
    const anonymous = await swift('', undefined)
    assert.equal(anonymous.status, 401)
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /Keystone uri=/)
  })

  test('container lifecycle: 201, 202, HEAD counts, listings, 409 while not empty, 204, 404', async () => {
    assert.equal((await swift('/life', alice.token, { method: 'PUT' })).status, 201)
    assert.equal((await swift('/life', alice.token, { method: 'PUT' })).status, 202)
    const put = await swift('/life/a.txt', alice.token, {
      method: 'PUT',
      body: 'hello',
      headers: { 'Content-Type': 'text/plain' },
    })
    assert.equal(put.status, 201)
    assert.equal(put.headers.get('etag'), createHash('md5').update('hello').digest('hex'))
    const head = await swift('/life', alice.token, { method: 'HEAD' })
    assert.equal(head.status, 204)
    assert.equal(head.headers.get('x-container-object-count'), '1')
    assert.equal(head.headers.get('x-container-bytes-used'), '5')
    const listed = (await (await swift('?format=json', alice.token)).json()) as {
      name: string
      count: number
      bytes: number
    }[]
    assert.deepEqual(
      listed.find((c) => c.name === 'life'),
      { ...listed.find((c) => c.name === 'life'), count: 1, bytes: 5 },
    )
    const plain = await swift('', alice.token)
    assert.equal(plain.headers.get('content-type'), 'text/plain; charset=utf-8')
    assert.ok((await plain.text()).split('\n').includes('life'))
    assert.equal((await swift('/life', alice.token, { method: 'DELETE' })).status, 409)
    assert.equal((await swift('/life/a.txt', alice.token, { method: 'DELETE' })).status, 204)
    assert.equal((await swift('/life/a.txt', alice.token, { method: 'DELETE' })).status, 404)
    assert.equal((await swift('/life', alice.token, { method: 'DELETE' })).status, 204)
    const gone = await swift('/life', alice.token)
    assert.equal(gone.status, 404)
    assert.match(await gone.text(), /<h1>Not Found<\/h1>/)
  })

  test('objects: metadata, HEAD, ranges, conditional GET, names with slashes and spaces', async () => {
    await swift('/objs', alice.token, { method: 'PUT' })
    const name = '/dir//sub/file name %.bin'
    const path = `/objs/${name.split('/').map(encodeURIComponent).join('/')}`
    const data = Buffer.from('0123456789abcdefghij')
    const put = await swift(path, alice.token, {
      method: 'PUT',
      body: data,
      headers: { 'Content-Type': 'application/x-test', 'X-Object-Meta-Color': 'blue' },
    })
    assert.equal(put.status, 201)
    const etag = createHash('md5').update(data).digest('hex')
    const head = await swift(path, alice.token, { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.headers.get('content-length'), '20')
    assert.equal(head.headers.get('content-type'), 'application/x-test')
    assert.equal(head.headers.get('x-object-meta-color'), 'blue')
    assert.equal(head.headers.get('etag'), etag)
    const listed = (await (await swift('/objs?format=json', alice.token)).json()) as {
      name: string
      hash: string
    }[]
    assert.deepEqual(
      listed.map((o) => [o.name, o.hash]),
      [[name, etag]],
    )
    const whole = await swift(path, alice.token)
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), data)
    const part = await swift(path, alice.token, { headers: { Range: 'bytes=5-9' } })
    assert.equal(part.status, 206)
    assert.equal(part.headers.get('content-range'), 'bytes 5-9/20')
    assert.equal(await part.text(), '56789')
    const tail = await swift(path, alice.token, { headers: { Range: 'bytes=-3' } })
    assert.equal(await tail.text(), 'hij')
    const beyond = await swift(path, alice.token, { headers: { Range: 'bytes=50-' } })
    assert.equal(beyond.status, 416)
    assert.equal(beyond.headers.get('content-range'), 'bytes */20')
    assert.equal(
      (await swift(path, alice.token, { headers: { 'If-None-Match': etag } })).status,
      304,
    )
    assert.equal((await swift(path, alice.token, { headers: { 'If-Match': 'nope' } })).status, 412)
    const post = await swift(path, alice.token, {
      method: 'POST',
      headers: { 'X-Object-Meta-Shape': 'round' },
    })
    assert.equal(post.status, 202)
    const after = await swift(path, alice.token, { method: 'HEAD' })
    assert.equal(after.headers.get('x-object-meta-shape'), 'round')
    assert.equal(after.headers.get('x-object-meta-color'), null, 'a POST replaces the metadata')
    const json = await swift('/objs/doc.json', alice.token, {
      method: 'PUT',
      body: '{"not": "parsed"',
      headers: { 'Content-Type': 'application/json' },
    })
    assert.equal(json.status, 201, 'a JSON body is stored as is, not parsed')
    assert.equal(await (await swift('/objs/doc.json', alice.token)).text(), '{"not": "parsed"')
  })

  test('container listings: prefix, marker, end_marker, limit, delimiter, reverse, 204 when empty', async () => {
    await swift('/list', alice.token, { method: 'PUT' })
    const empty = await swift('/list', alice.token)
    assert.equal(empty.status, 204)
    assert.equal(await (await swift('/list?format=json', alice.token)).text(), '[]')
    for (const n of ['a/1', 'a/2', 'b', 'c/x/1', 'd']) {
      assert.equal((await swift(`/list/${n}`, alice.token, { method: 'PUT', body: n })).status, 201)
    }
    const names = async (query: string) =>
      (await (await swift(`/list?${query}`, alice.token)).text()).trim().split('\n')
    assert.deepEqual(await names(''), ['a/1', 'a/2', 'b', 'c/x/1', 'd'])
    assert.deepEqual(await names('prefix=a/'), ['a/1', 'a/2'])
    assert.deepEqual(await names('marker=a/2&limit=2'), ['b', 'c/x/1'])
    assert.deepEqual(await names('end_marker=b'), ['a/1', 'a/2'])
    assert.deepEqual(await names('delimiter=/'), ['a/', 'b', 'c/', 'd'])
    assert.deepEqual(await names('delimiter=/&limit=1&marker=a/'), ['b'])
    assert.deepEqual(await names('prefix=c/&delimiter=/'), ['c/x/'])
    assert.deepEqual(await names('reverse=true&limit=2'), ['d', 'c/x/1'])
    const json = (await (
      await swift('/list?format=json&delimiter=/', alice.token)
    ).json()) as Record<string, unknown>[]
    assert.deepEqual(json[0], { subdir: 'a/' })
    assert.equal((await swift('/list?limit=20000', alice.token)).status, 412)
  })

  test('the account is the project: another project gets 403, an admin gets in', async () => {
    await swift('/mine', alice.token, { method: 'PUT' })
    await swift('/mine/o', alice.token, { method: 'PUT', body: 'secret data' })
    for (const [method, path] of [
      ['GET', ''],
      ['GET', '/mine/o'],
      ['PUT', '/mine/x'],
      ['DELETE', '/mine/o'],
    ] as const) {
      const res = await swift(path, other.token, {
        method,
        ...(method === 'PUT' ? { body: 'x' } : {}),
      })
      assert.equal(res.status, 403, `${method} ${path}`)
    }
    assert.equal(await (await swift('/mine/o', admin.token)).text(), 'secret data')
    const own = await fetch(`${accountUrl(storage, other.projectId)}`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': other.token },
    })
    assert.equal(own.status, 405, 'no account management')
  })

  test('a streamed chunked upload is hashed and read back byte for byte; past max_file_size it is refused', async () => {
    await swift('/big', alice.token, { method: 'PUT' })
    const chunk = Buffer.alloc(1024 * 1024)
    const md5 = createHash('md5')
    async function* body(mib: number) {
      for (let i = 0; i < mib; i++) {
        chunk.fill(i)
        md5.update(chunk)
        yield chunk
      }
    }
    const init = (mib: number) =>
      ({ method: 'PUT', body: body(mib), duplex: 'half' }) as RequestInit
    const put = await swift('/big/eight', alice.token, init(8))
    assert.equal(put.status, 201)
    const etag = md5.digest('hex')
    assert.equal(put.headers.get('etag'), etag)
    const back = await swift('/big/eight', alice.token)
    assert.equal(back.headers.get('content-length'), String(8 * 1024 * 1024))
    assert.equal(
      createHash('md5')
        .update(Buffer.from(await back.arrayBuffer()))
        .digest('hex'),
      etag,
    )
    const tooBig = await swift('/big/huge', alice.token, init(17)).catch(() => undefined)
    if (tooBig !== undefined) assert.equal(tooBig.status, 413)
    assert.equal((await swift('/big/huge', alice.token, { method: 'HEAD' })).status, 404)
    const declared = await raw(
      'PUT',
      '/big/declared',
      alice.token,
      `Content-Length: ${MAX_FILE + 1}`,
      '',
    )
    assert.match(declared, /^HTTP\/1.1 413/)
  })

  test('uploads that are not whole are never stored: ETag mismatch 422, no length 411, client gone', async () => {
    await swift('/safe', alice.token, { method: 'PUT' })
    const mismatch = await swift('/safe/o', alice.token, {
      method: 'PUT',
      body: 'abc',
      headers: { ETag: 'deadbeef' },
    })
    assert.equal(mismatch.status, 422)
    assert.equal((await swift('/safe/o', alice.token, { method: 'HEAD' })).status, 404)
    assert.match(await raw('PUT', '/safe/o', alice.token, '', ''), /^HTTP\/1.1 411/)
    await raw('PUT', '/safe/cut', alice.token, 'Content-Length: 1000', 'only ten b', {
      hangUp: true,
    })
    for (
      let i = 0;
      i < 50 && readdirSync(join(storage.dir, 'object', 'objects', 'tmp')).length > 0;
      i++
    )
      await sleep(20)
    assert.deepEqual(readdirSync(join(storage.dir, 'object', 'objects', 'tmp')), [])
    assert.equal((await swift('/safe/cut', alice.token, { method: 'HEAD' })).status, 404)
  })

  test('objects survive a restart; partial files left by a crash are swept', async () => {
    await swift('/keep', alice.token, { method: 'PUT' })
    await swift('/keep/o', alice.token, { method: 'PUT', body: 'persisted' })
    writeFileSync(join(storage.dir, 'object', 'objects', 'tmp', 'left-over'), 'partial')
    writeFileSync(join(storage.dir, 'object', 'objects', 'data', 'orphan'), 'orphan')
    await storage.restart('object')
    assert.equal(await (await swift('/keep/o', alice.token)).text(), 'persisted')
    assert.deepEqual(readdirSync(join(storage.dir, 'object', 'objects', 'tmp')), [])
    assert.ok(!readdirSync(join(storage.dir, 'object', 'objects', 'data')).includes('orphan'))
    assert.ok(
      storage.logs.object.some((l) => /removed 2 partial or orphaned/.test(l)),
      storage.logs.object.join('\n'),
    )
  })

  /** A hand-written request: headers fetch would not send (none, or a lying Content-Length). */
  async function raw(
    method: string,
    path: string,
    token: string,
    header: string,
    body: string,
    o: { hangUp?: boolean } = {},
  ): Promise<string> {
    const url = new URL(`${account}${path}`)
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname)
      let answer = ''
      socket.on('data', (d) => {
        answer += d.toString()
      })
      socket.on('error', () => resolve(answer))
      socket.on('close', () => resolve(answer))
      socket.on('connect', () => {
        const lines = [
          `${method} ${url.pathname} HTTP/1.1`,
          `Host: ${url.host}`,
          `X-Auth-Token: ${token}`,
          'Connection: close',
        ]
        if (header !== '') lines.push(header)
        socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)
        if (o.hangUp) setTimeout(() => socket.destroy(), 100)
      })
      setTimeout(() => reject(new Error('no answer')), 10_000).unref()
    })
  }
})
