// VerifyProbe over node:http(s): one GET, never throws on an HTTP status (the caller judges it), JSON
// body parsed when the server says it is JSON. The URL comes from any config author, so:
// - the host is resolved first and EVERY address checked (address-class.ts): metadata, link-local and
//   (unless allowed) loopback/private addresses are refused; the request then connects to the address
//   that was checked, so a second DNS answer cannot swap it (DNS rebinding). Redirects are not followed.
// - the body is read up to maxBodyBytes (64 KiB) and the connection is cut there: a huge answer costs
//   nothing; such a body is not parsed.
// - errors carry a classified reason only (refused address, DNS, refused, reset, TLS, timeout), never
//   the body or a raw error text: they reach /status.
// Transport failures and timeouts are VERIFY_FAILED (retryable: the next probe may succeed); the
// caller's own abort is ABORTED.
import { lookup } from 'node:dns/promises';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import { DeployerError } from '../../domain/errors.ts';
import type { VerifyProbe } from '../../ports.ts';
import { type AddressClass, ALWAYS_REFUSED, addressClass, PRIVATE_CLASSES } from './address-class.ts';

export const VERIFY_BODY_LIMIT_BYTES = 64 * 1024;
export const VERIFY_TIMEOUT_MS = 5_000;

export interface HttpVerifyProbeOptions {
  /** Per-request limit, on top of the caller's signal. */
  timeoutMs?: number;
  /** Bytes read from a body before the connection is cut (a /version answer is tiny). */
  maxBodyBytes?: number;
  /** Loopback and private addresses (VERIFY_ALLOW_PRIVATE_NETWORKS); metadata/link-local never. */
  allowPrivateNetworks?: boolean;
  /** Resolves a host name to all its addresses (default: the system resolver, dns.lookup). */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>;
  /**
   * `text`: the body is the text of its first maxBodyBytes whatever its type (the analysis URL's answer,
   * quoted when it fails); default `json`: parsed when JSON, else undefined.
   */
  bodyAs?: 'json' | 'text';
}

// node:http and node:https from the CommonJS loader, not `import … from 'node:http'`: an ES import of
// node:http reads every export, and its WebSocket, CloseEvent and MessageEvent getters load undici
// (Node's fetch), which the deployer never calls: ~1.7 MiB of V8 heap and ~5 MiB resident
// (test/unit/startup/builtin-imports.test.ts). process.getBuiltinModule:
// https://nodejs.org/api/process.html#processgetbuiltinmoduleid
const { request: httpRequest } = process.getBuiltinModule('node:http');
const { request: httpsRequest } = process.getBuiltinModule('node:https');

const systemResolve = (host: string) => lookup(host, { all: true, verbatim: true });

/** A refusal or failure with a reason safe to show on /status. */
class ProbeFailure extends Error {
  readonly reason: string;
  constructor(reason: string, cause?: unknown) {
    super(reason, cause === undefined ? undefined : { cause });
    this.reason = reason;
  }
}

export class HttpVerifyProbe implements VerifyProbe {
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #allowPrivate: boolean;
  readonly #resolve: NonNullable<HttpVerifyProbeOptions['resolve']>;
  readonly #text: boolean;

  constructor(options: HttpVerifyProbeOptions = {}) {
    this.#text = options.bodyAs === 'text';
    this.#timeoutMs = options.timeoutMs ?? VERIFY_TIMEOUT_MS;
    this.#maxBodyBytes = options.maxBodyBytes ?? VERIFY_BODY_LIMIT_BYTES;
    this.#allowPrivate = options.allowPrivateNetworks ?? false;
    this.#resolve = options.resolve ?? systemResolve;
  }

  async get(
    url: string,
    signal: AbortSignal,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);
    try {
      const target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:')
        throw new ProbeFailure(`refused: scheme ${target.protocol} is not http or https`);
      const address = await this.#checkedAddress(target.hostname.replace(/^\[|\]$/g, ''), combined);
      const response = await send(target, address, combined, headers);
      return await this.#read(response);
    } catch (error) {
      if (signal.aborted) throw new DeployerError('ABORTED', `probe of ${url} aborted`, { cause: error });
      const timedOut = timeout.aborted;
      const reason = timedOut ? `timed out after ${this.#timeoutMs} ms` : classify(error);
      throw new DeployerError('VERIFY_FAILED', `probe of ${url} failed: ${reason}`, {
        cause: error,
        details: { url, timedOut },
      });
    }
  }

  /** Resolves the host, checks every address, and returns the one to connect to. */
  async #checkedAddress(host: string, signal: AbortSignal): Promise<{ address: string; family: number }> {
    let addresses: { address: string; family: number }[];
    if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
    else {
      try {
        addresses = await this.#resolve(host);
      } catch (error) {
        throw new ProbeFailure(`DNS lookup of ${host} failed`, error);
      }
      signal.throwIfAborted();
    }
    for (const { address } of addresses) {
      const kind = addressClass(address);
      if (this.#refuses(kind))
        throw new ProbeFailure(
          `refused: ${host} resolves to a ${kind} address${PRIVATE_CLASSES.has(kind) ? ' (set VERIFY_ALLOW_PRIVATE_NETWORKS=true to allow)' : ''}`,
        );
    }
    const first = addresses[0];
    if (!first) throw new ProbeFailure(`DNS lookup of ${host} returned no address`);
    return first;
  }

  #refuses(kind: AddressClass): boolean {
    return ALWAYS_REFUSED.has(kind) || (PRIVATE_CLASSES.has(kind) && !this.#allowPrivate);
  }

  /** Reads at most maxBodyBytes; past that, cuts the connection and leaves the body unparsed. */
  #read(response: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const status = response.statusCode ?? 0;
    const json = /\bjson\b/i.test(response.headers['content-type'] ?? '');
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      let done = false;
      const finish = (body: unknown) => {
        if (done) return;
        done = true;
        resolve({ status, body });
      };
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > this.#maxBodyBytes) {
          const kept = this.#text
            ? Buffer.concat([...chunks, chunk])
                .subarray(0, this.#maxBodyBytes)
                .toString('utf8')
            : undefined;
          chunks.length = 0;
          response.destroy();
          finish(kept);
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        finish(this.#text ? text : json ? parseJson(text) : undefined);
      });
      response.on('error', (error) => {
        if (!done) reject(error);
      });
      response.on('close', () => {
        if (!done && !response.complete)
          reject(new ProbeFailure('connection closed before the answer ended'));
      });
    });
  }
}

/** Sends the GET to the checked address (the URL's host still names the site for Host and TLS SNI). */
function send(
  target: URL,
  checked: { address: string; family: number },
  signal: AbortSignal,
  headers: Record<string, string>,
) {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
  const options: RequestOptions = {
    method: 'GET',
    signal,
    lookup: pinned,
    headers: { ...headers, accept: 'application/json', 'cache-control': 'no-cache' },
  };
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = request(target, options, resolve);
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A reason class for /status: what went wrong, never the raw message or anything the server sent. */
function classify(error: unknown): string {
  if (error instanceof ProbeFailure) return error.reason;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_HEADER_OVERFLOW':
      return 'not an HTTP answer';
    default:
      if (typeof code === 'string' && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code))
        return 'TLS handshake failed';
      return 'request failed';
  }
}
