/**
 * One HTTP call with the SDK's transport rules (`serverless/client/connection.py::_make_request`): Bearer header and
 * `?api_key=`, 5 tries, retries on transport errors, 408, 429 and 5xx with `min(2**attempt + U(0,1), 5)` s backoff
 * (429 honours `Retry-After`), a per-request timeout, and cancellation through an AbortSignal.
 */
import { Readable } from 'node:stream';
import { request, type Dispatcher } from 'undici';
import { ApiError, CancelledError, redact } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Sleeps `ms`; rejects when `signal` aborts. Injectable so tests do not wait for real backoff. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
    new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const t = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(t);
            reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });

/** Idle limit for calls without a total timeout (large uploads). */
const IDLE_TIMEOUT_MS = 5 * 60_000;

/** Shared by every call of one client. */
export interface Transport {
    dispatcher?: Dispatcher;
    sleep: Sleep;
    random: () => number;
    /** Receives one line per attempt, already redacted. */
    log?: (line: string) => void;
    /** Every key this client knows (user key, endpoint keys): scrubbed from all text. */
    secrets: Set<string>;
    userAgent: string;
    timeoutMs: number;
    tries: number;
    /** Upper bound for a server's `Retry-After`, so a bad header cannot hang a deploy. */
    maxRetryAfterMs: number;
    /** The most a response body may hold; beyond it the call fails without reading further. */
    maxResponseBytes: number;
}

/** A body that is re-created for every attempt (streamed uploads). */
export interface StreamBody {
    stream: () => AsyncIterable<Uint8Array>;
    contentType: string;
    length: number;
}

export interface CallOptions {
    method: HttpMethod;
    /** The full URL without credentials. */
    url: string;
    /** What is being done, e.g. `put deployment`; error messages read `Failed to <what>: ...`. */
    what: string;
    /** Sent as `Authorization: Bearer` and (unless `bearerOnly`) as `?api_key=`. */
    key?: string;
    bearerOnly?: boolean;
    query?: Record<string, string>;
    json?: unknown;
    body?: StreamBody;
    tries?: number;
    /** Total time for one attempt; 0 = no limit (large uploads). */
    timeoutMs?: number;
    signal?: AbortSignal;
    dispatcher?: Dispatcher;
    /** The SDK's wording for a non-2xx answer of this call, e.g. `S3 upload failed: HTTP 403 - ...`. */
    httpMessage?: (status: number, text: string) => string;
    /** Parse the 2xx body as JSON (default true); false returns the text only. */
    parseJson?: boolean;
    /** Overrides the transport's response size cap for this call. */
    maxResponseBytes?: number;
}

export interface CallResult {
    status: number;
    json: unknown;
    text: string;
    bytes: Buffer;
    headers: Record<string, string | string[] | undefined>;
    attempts: number;
}

/** True for the statuses the SDK retries. */
export function isRetryableStatus(status: number): boolean {
    return status === 408 || status === 429 || (status >= 500 && status < 600);
}

/** The SDK's backoff: `min(2**attempt + U(0,1), 5)` seconds, in ms. `attempt` starts at 1. */
export function backoffMs(attempt: number, random: () => number): number {
    return Math.min(2 ** attempt + random(), 5) * 1000;
}

/** `Retry-After` as ms (delta-seconds or HTTP date), or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
    const v = Array.isArray(value) ? value[0] : value;
    if (v === undefined || v.trim() === '') return undefined;
    if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v.trim()) * 1000;
    const date = Date.parse(v);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function buildUrl(opts: CallOptions): string {
    const u = new URL(opts.url);
    for (const [k, v] of Object.entries(opts.query ?? {})) u.searchParams.set(k, v);
    if (opts.key !== undefined && !opts.bearerOnly) u.searchParams.set('api_key', opts.key);
    return u.toString();
}

/** Describes a transport error without leaking undici internals like "fetch failed". */
function describeTransportError(e: unknown): string {
    const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.cause?.code ?? err.code;
    const msg = err.cause?.message ?? err.message ?? String(e);
    const known: Record<string, string> = {
        ECONNREFUSED: 'connection refused',
        ECONNRESET: 'connection reset by the server',
        UND_ERR_SOCKET: 'the server closed the connection',
        ENOTFOUND: 'host not found',
        EAI_AGAIN: 'host name lookup failed',
        UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the response headers',
        UND_ERR_BODY_TIMEOUT: 'timed out waiting for the response body',
        UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
    };
    const label = code && known[code] ? known[code] : 'network error';
    return code ? `${label} (${code}: ${msg})` : `${label}: ${msg}`;
}

/** Thrown by {@link readCapped}: the body is larger than the cap (it was not read further). */
class ResponseTooLarge extends Error {
    constructor(readonly limit: number) {
        super(`the response is larger than ${formatBytes(limit)}; stopped reading it`);
    }
}

function formatBytes(n: number): string {
    return n >= 1 << 20 ? `${Math.round(n / (1 << 20))} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/** Reads a body up to `limit` bytes: a larger `content-length`, or more bytes than announced, stops at once. */
async function readCapped(res: Dispatcher.ResponseData, limit: number): Promise<Buffer> {
    const announced = Number(res.headers['content-length']);
    if (Number.isFinite(announced) && announced > limit) {
        res.body.destroy();
        throw new ResponseTooLarge(limit);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of res.body) {
        total += (chunk as Buffer).length;
        if (total > limit) {
            res.body.destroy();
            throw new ResponseTooLarge(limit);
        }
        chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks, total);
}

/** Runs one call with retries. Throws {@link ApiError} or {@link CancelledError}; every text is redacted. */
export async function call(t: Transport, opts: CallOptions): Promise<CallResult> {
    const tries = Math.max(1, opts.tries ?? t.tries);
    const timeoutMs = opts.timeoutMs ?? t.timeoutMs;
    const fullUrl = buildUrl(opts);
    const safeUrl = redact(fullUrl, t.secrets);
    const scrub = (s: string) => redact(s, t.secrets);
    // A key with a line break (a key file's newline kept) cannot go in a header: say so once, never retry it.
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
    if (opts.key !== undefined && /[\x00-\x1f\x7f]/.test(opts.key)) {
        throw new ApiError({
            kind: 'bad-key',
            what: opts.what,
            serverMessage: `the API key contains ${/[\r\n]/.test(opts.key) ? 'a line break' : 'a control character'} (check VAST_API_KEY or the key file: a key is one line of letters and digits)`,
        });
    }
    const headers: Record<string, string> = { 'user-agent': t.userAgent, accept: 'application/json' };
    if (opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
    if (opts.json !== undefined) headers['content-type'] = 'application/json';
    if (opts.body) {
        headers['content-type'] = opts.body.contentType;
        headers['content-length'] = String(opts.body.length);
    }
    const jsonText = opts.json !== undefined ? JSON.stringify(opts.json) : undefined;

    let lastError: ApiError | undefined;
    for (let attempt = 1; attempt <= tries; attempt++) {
        if (opts.signal?.aborted) throw new CancelledError(opts.what);
        const ctrl = new AbortController();
        let timedOut = false;
        const onAbort = () => ctrl.abort();
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        const timer =
            timeoutMs > 0
                ? setTimeout(() => {
                      timedOut = true;
                      ctrl.abort();
                  }, timeoutMs)
                : undefined;
        const started = Date.now();
        let retryDelay: number | undefined;
        try {
            const res = await request(fullUrl, {
                method: opts.method,
                headers,
                body: jsonText ?? (opts.body ? Readable.from(opts.body.stream(), { objectMode: false }) : undefined),
                dispatcher: opts.dispatcher ?? t.dispatcher,
                signal: ctrl.signal,
                // Without a total limit (uploads) a silent server is still caught by undici's idle timers; the
                // headers timer does not run while the request body is being sent.
                headersTimeout: timeoutMs > 0 ? timeoutMs : IDLE_TIMEOUT_MS,
                bodyTimeout: timeoutMs > 0 ? timeoutMs : IDLE_TIMEOUT_MS,
            });
            const bytes = await readCapped(res, opts.maxResponseBytes ?? t.maxResponseBytes);
            const text = bytes.toString('utf8');
            const status = res.statusCode;
            t.log?.(
                scrub(`${opts.method} ${safeUrl} -> ${status} (${Date.now() - started} ms, try ${attempt}/${tries})`),
            );
            if (status >= 200 && status < 300) {
                if (opts.parseJson === false) {
                    return { status, json: undefined, text, bytes, headers: res.headers, attempts: attempt };
                }
                let json: unknown = null;
                if (text.trim() !== '') {
                    try {
                        json = JSON.parse(text);
                    } catch {
                        throw new ApiError({
                            kind: 'invalid-json',
                            what: opts.what,
                            status,
                            url: safeUrl,
                            serverMessage: scrub(text.slice(0, 512)),
                            attempts: attempt,
                        });
                    }
                }
                return { status, json, text, bytes, headers: res.headers, attempts: attempt };
            }
            const retryable = isRetryableStatus(status);
            const serverText = scrub(text.slice(0, 512));
            lastError = new ApiError({
                kind: 'http',
                what: opts.what,
                status,
                url: safeUrl,
                serverMessage: serverText,
                attempts: attempt,
                retryable,
                message: opts.httpMessage ? scrub(opts.httpMessage(status, text.slice(0, 512))) : undefined,
            });
            if (!retryable || attempt === tries) throw lastError;
            if (status === 429) retryDelay = parseRetryAfter(res.headers['retry-after']);
        } catch (e) {
            if (e instanceof ApiError && (e === lastError || e.kind === 'invalid-json')) throw e;
            if (opts.signal?.aborted) throw new CancelledError(opts.what);
            if (e instanceof ResponseTooLarge) {
                // Asking again would download as much again: a size problem is not retried.
                throw new ApiError({
                    kind: 'too-large',
                    what: opts.what,
                    url: safeUrl,
                    serverMessage: `${e.message} [${safeUrl}]`,
                    attempts: attempt,
                });
            }
            const detail = timedOut ? `timed out after ${timeoutMs / 1000}s` : describeTransportError(e);
            t.log?.(scrub(`${opts.method} ${safeUrl} failed: ${detail} (try ${attempt}/${tries})`));
            lastError = new ApiError({
                kind: timedOut ? 'timeout' : 'transport',
                what: opts.what,
                url: safeUrl,
                serverMessage: scrub(`${detail} [${safeUrl}]`),
                attempts: attempt,
                retryable: true,
            });
            if (attempt === tries) throw lastError;
        } finally {
            if (timer) clearTimeout(timer);
            opts.signal?.removeEventListener('abort', onAbort);
        }
        const backoff = backoffMs(attempt, t.random);
        const delay = retryDelay !== undefined ? Math.min(Math.max(retryDelay, backoff), t.maxRetryAfterMs) : backoff;
        try {
            await t.sleep(delay, opts.signal);
        } catch {
            throw new CancelledError(opts.what);
        }
    }
    // Unreachable: the loop either returns or throws on the last attempt.
    throw lastError ?? new ApiError({ kind: 'transport', what: opts.what });
}
