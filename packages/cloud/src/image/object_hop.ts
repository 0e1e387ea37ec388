/**
 * The image service's hop to the object service, which Glance cannot make with service tokens:
 * every call carries the user's token plus this service's own X-Service-Token (through
 * `ctx.next`), so an upload lands even when the user's token expired on the way. Image data is
 * streamed both ways, hashed (MD5 and SHA-512) while it goes by, and each call is audited.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { StreamResponse } from '@baton/client'
import type { Delegation } from '../kit/delegation.ts'
import { TooLarge, UpstreamFailure } from '../kit/errors.ts'
import type { ServiceContext } from '../kit/service_context.ts'
import { objectFacts } from '../services.ts'
import type { Image } from './model.ts'
import type { UploadResult } from './repository.ts'

const OBJECT_STORE = objectFacts.catalog.type

type HopRequest = {
  readonly headers?: Record<string, string>
  readonly body?: AsyncIterable<Uint8Array>
  /** The statuses taken; any other is an UpstreamFailure naming the hop (`ctx.next.stream`). */
  readonly accept: (status: number) => boolean
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
    const container = await this.#send('PUT', '', image, delegation, {
      accept: (status) => status === 201 || status === 202,
    })
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
    let res: StreamResponse
    try {
      res = await this.#send('PUT', path, image, delegation, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: hashed(),
        accept: (status) => status === 201,
      })
    } catch (error) {
      throw refused ?? error
    }
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
  ): Promise<StreamResponse> {
    return this.#send('GET', `/${encodeURIComponent(image.id)}`, image, delegation, {
      ...(range === undefined ? {} : { headers: { Range: range } }),
      accept: (status) => status === 200 || status === 206 || status === 416,
    })
  }

  /** Deletes the image's object; one already gone is fine. */
  async remove(image: Image, delegation: Delegation): Promise<void> {
    const res = await this.#send('DELETE', `/${encodeURIComponent(image.id)}`, image, delegation, {
      accept: (status) => status === 204 || status === 404,
    })
    await res.text()
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
  ): Promise<StreamResponse> {
    const base = ownerAccount(await this.#ctx.next.endpoint(OBJECT_STORE, delegation), image.owner)
    return this.#ctx.next.stream(OBJECT_STORE, this.#path(suffix), delegation, {
      ...o,
      method,
      base,
    })
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
