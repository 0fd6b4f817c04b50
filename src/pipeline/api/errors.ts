/**
 * Typed errors of the API client, and the redaction that keeps API keys out of every message.
 *
 * Every error the client throws says what was being done (`what`), the HTTP status when there was one, and the
 * server's message (trimmed to 512 characters like the SDK), with every known secret scrubbed.
 */

/** Replaces `api_key=...` query values, `Bearer ...` tokens and the literal secrets with `***`. */
export function redact(text: string, secrets: Iterable<string> = []): string {
    let out = text.replace(/(api_key=)[^&\s"'#,:;]+/gi, '$1***');
    out = out.replace(/(Bearer\s+)[^\s"',}]+/gi, '$1***');
    out = out.replace(/("api_key"\s*:\s*")[^"]*(")/gi, '$1***$2');
    for (const s of secrets) {
        // Very short strings would shred ordinary words; real keys are long.
        if (s.length >= 4) out = out.split(s).join('***');
    }
    return out;
}

/** Why a request failed, as a value the UI can branch on. */
export type ApiErrorKind = 'http' | 'transport' | 'timeout' | 'invalid-json' | 'protocol' | 'too-large' | 'bad-key';

export interface ApiErrorInit {
    kind: ApiErrorKind;
    /** What was being done, e.g. `put deployment` (used as `Failed to put deployment: ...`). */
    what: string;
    status?: number;
    /** The server's text (already redacted), or the transport error's description. */
    serverMessage?: string;
    /** The URL (already redacted). */
    url?: string;
    attempts?: number;
    retryable?: boolean;
    /** A message to use instead of the default `Failed to <what>: ...` (the SDK's wording for some steps). */
    message?: string;
}

/** A failed call to the Vast API, the autoscaler, S3 or a worker. The message never contains a key. */
export class ApiError extends Error {
    readonly kind: ApiErrorKind;
    readonly what: string;
    readonly status?: number;
    readonly serverMessage?: string;
    readonly url?: string;
    readonly attempts: number;
    readonly retryable: boolean;

    constructor(init: ApiErrorInit) {
        super(init.message ?? defaultMessage(init));
        this.name = 'ApiError';
        this.kind = init.kind;
        this.what = init.what;
        this.status = init.status;
        this.serverMessage = init.serverMessage;
        this.url = init.url;
        this.attempts = init.attempts ?? 1;
        this.retryable = init.retryable ?? false;
    }
}

function defaultMessage(init: ApiErrorInit): string {
    const tries = (init.attempts ?? 1) > 1 ? ` (after ${init.attempts} tries)` : '';
    switch (init.kind) {
        case 'http':
            return `Failed to ${init.what}: HTTP ${init.status} - ${init.serverMessage ?? ''}${tries}`;
        case 'invalid-json':
            return `Failed to ${init.what}: Invalid JSON from ${init.url}:\n${init.serverMessage ?? ''}`;
        case 'timeout':
            return `Failed to ${init.what}: ${init.serverMessage ?? 'timed out'}${tries}`;
        default:
            return `Failed to ${init.what}: ${init.serverMessage ?? 'request failed'}${tries}`;
    }
}

/** The operation was cancelled through its AbortSignal. */
export class CancelledError extends Error {
    readonly what: string;
    constructor(what: string) {
        super(`Cancelled while trying to ${what}`);
        this.name = 'CancelledError';
        this.what = what;
    }
}

/** No API key could be found (the SDK's constructor error, same text). */
export class MissingApiKeyError extends Error {
    constructor(xdgPath: string) {
        super(`No API key found. Pass api_key=, set VAST_API_KEY, or save your key to ${xdgPath}`);
        this.name = 'MissingApiKeyError';
    }
}

/** A remote function raised on the worker; the SDK sends only the class (the message is lost, see reference §1.2). */
export class RemoteFunctionError extends Error {
    readonly exceptionClass: string;
    readonly contents: unknown;
    /** Time spent waiting for a route and on the worker, when the call reached one. */
    readonly timing?: { routeMs: number; workerMs: number };
    constructor(
        fname: string,
        exceptionClass: string,
        contents: unknown,
        timing?: { routeMs: number; workerMs: number },
    ) {
        super(
            `Remote function ${fname} raised ${exceptionClass}` +
                ' (the SDK sends exceptions without their message; see the worker logs for details)',
        );
        this.name = 'RemoteFunctionError';
        this.exceptionClass = exceptionClass;
        this.contents = contents;
        this.timing = timing;
    }
}

/** True for the errors that came from the user cancelling. */
export function isCancelled(e: unknown): e is CancelledError {
    return e instanceof CancelledError;
}
