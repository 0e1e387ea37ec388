/**
 * The image service's hop to the object service, which Glance cannot make with service tokens:
 * every call carries the user's token plus this service's own X-Service-Token (through
 * `ctx.next`), so an upload lands even when the user's token expired on the way. Image data is
 * streamed both ways, hashed (MD5 and SHA-512) while it goes by, and each call is audited.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { Delegation } from '../kit/delegation.ts'
import { TooLarge, UpstreamFailure } from '../kit/errors.ts'
import type { ServiceContext } from '../kit/service_app.ts'
import type { HopResponse } from '../kit/stream_http.ts'
import { objectFacts } from '../services.ts'
import type { Image } from './model.ts'
import type { UploadResult } from './repository.ts'

const OBJECT_STORE = objectFacts.catalog.type

type HopRequest = {
  readonly headers?: Record<string, string>
  readonly body?: AsyncIterable<Uint8Array>
}

export class ObjectHop {
  readonly #ctx: ServiceContext
  readonly #container: string

  constructor(ctx: ServiceContext, container: string) {
    this.#ctx = ctx
    this.#container = container
  }

  /** Streams `source` into the image owner's account; resolves once the object service has it all. */
  async upload(
    image: Image,
    delegation: Delegation,
    source: Readable,
    cap: number,
  ): Promise<UploadResult> {
    const container = await this.#send('PUT', '', image, delegation, {})
    if (container.status !== 201 && container.status !== 202) {
      throw await this.#failure('PUT', '', container)
    }
    await container.text()
    const md5 = createHash('md5')
    const sha512 = createHash('sha512')
    let size = 0
    let refused: TooLarge | undefined
    async function* hashed(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length
        if (size > cap) {
          refused = new TooLarge(`Image exceeds the storage quota: the size cap is ${cap} bytes`)
          throw refused
        }
        md5.update(chunk)
        sha512.update(chunk)
        yield chunk
      }
    }
    const path = `/${encodeURIComponent(image.id)}`
    let res: HopResponse
    try {
      res = await this.#send('PUT', path, image, delegation, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: hashed(),
      })
    } catch (error) {
      throw refused ?? error
    }
    if (res.status !== 201) throw await this.#failure('PUT', path, res)
    await res.text()
    const checksum = md5.digest('hex')
    const etag = (res.header('etag') ?? '').replace(/"/g, '')
    if (etag !== checksum) {
      await this.remove(image, delegation).catch(() => undefined)
      throw new UpstreamFailure(
        `${this.#ctx.name} -> object-store PUT ${this.#path(path)}: stored ETag ${etag} does not match the MD5 ${checksum} of the data sent`,
      )
    }
    return { size, checksum, osHashAlgo: 'sha512', osHashValue: sha512.digest('hex') }
  }

  /** The object service's answer for the image data (200 or 206, body unread). */
  async download(
    image: Image,
    delegation: Delegation,
    range: string | undefined,
  ): Promise<HopResponse> {
    const path = `/${encodeURIComponent(image.id)}`
    const res = await this.#send(
      'GET',
      path,
      image,
      delegation,
      range === undefined ? {} : { headers: { Range: range } },
    )
    if (res.status === 200 || res.status === 206 || res.status === 416) return res
    throw await this.#failure('GET', path, res)
  }

  /** Deletes the image's object; one already gone is fine. */
  async remove(image: Image, delegation: Delegation): Promise<void> {
    const path = `/${encodeURIComponent(image.id)}`
    const res = await this.#send('DELETE', path, image, delegation, {})
    if (res.status === 204 || res.status === 404) {
      await res.text()
      return
    }
    throw await this.#failure('DELETE', path, res)
  }

  #path(suffix: string): string {
    return `/${encodeURIComponent(this.#container)}${suffix}`
  }

  /** One audited call to the owner's account: user token + service token from `ctx.next`. */
  async #send(
    method: string,
    suffix: string,
    image: Image,
    delegation: Delegation,
    o: HopRequest,
  ): Promise<HopResponse> {
    const base = ownerAccount(await this.#ctx.next.endpoint(OBJECT_STORE, delegation), image.owner)
    return this.#ctx.next.stream(OBJECT_STORE, this.#path(suffix), delegation, {
      ...o,
      method,
      base,
    })
  }

  async #failure(method: string, suffix: string, res: HopResponse): Promise<UpstreamFailure> {
    const text = (await res.text()).trim()
    const short = text.length > 300 ? `${text.slice(0, 300)}…` : text
    return new UpstreamFailure(
      `${this.#ctx.name} -> object-store ${method} ${this.#path(suffix)}: ${res.status} ${short}`.trim(),
    )
  }
}

/**
 * The data lives in the owner's account, whoever (owner or admin) acts on it. The catalog this
 * service reads is its own token's, where identity already put the service's project into
 * `AUTH_%(project_id)s`, so the account segment is replaced rather than substituted.
 */
export function ownerAccount(endpoint: string, owner: string): string {
  const base = endpoint.replace(/\/+$/, '')
  const account = `AUTH_${encodeURIComponent(owner)}`
  return /\/AUTH_[^/]*$/.test(base)
    ? base.replace(/\/AUTH_[^/]*$/, `/${account}`)
    : `${base}/${account}`
}
