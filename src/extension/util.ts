/** Small helpers for the extension. vscode-free so the benches can load them. */

/** A readable one-line message for anything thrown. */
export function errorMessage(err: unknown): string {
    if (err instanceof Error) return err.message || err.name;
    if (typeof err === 'string') return err;
    try {
        return JSON.stringify(err);
    } catch {
        return String(err);
    }
}

/** True when the error is an abort (the user cancelled), whatever layer threw it. */
export function isAbort(err: unknown, signal?: AbortSignal): boolean {
    if (signal?.aborted) return true;
    if (!(err instanceof Error)) return false;
    return err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR';
}

/** Removes anything that looks like an API key from text before it is logged or shown. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
    let out = text.replace(/(api_key=)[^&\s"']+/gi, '$1***').replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1***');
    for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
    return out;
}

/** `name (tag)`, or just the name for the default tag: how a deployment is named in messages. */
export function displayName(name: string | undefined, tag: string | undefined): string {
    const n = name ?? '(dynamic name)';
    return tag && tag !== 'default' ? `${n} (${tag})` : n;
}

/** The key of a deployment on the service: name and tag. */
export function remoteKey(name: string, tag: string | undefined): string {
    return `${name}\u0000${tag ?? 'default'}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
}

/** Resolves after `ms`, or rejects when the signal aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('Aborted'));
        const t = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = (): void => {
            clearTimeout(t);
            reject(signal?.reason instanceof Error ? signal.reason : new Error('Aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/** Why a request got no answer at all, in words; undefined when the service did answer. */
export function unreachableWhy(err: unknown, timeoutMs: number): string | undefined {
    const text = `${errorMessage(err)} ${errorMessage((err as { cause?: unknown }).cause ?? '')}`;
    if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) return 'its name could not be resolved; is this machine offline?';
    if (/ECONNREFUSED/.test(text)) return 'the connection was refused; is the service running?';
    if (/ECONNRESET|EPIPE|socket hang up|other side closed/.test(text)) return 'the connection was cut';
    if (/ENETUNREACH|EHOSTUNREACH/.test(text)) return 'no network route to it; is this machine offline?';
    if (/Cancelled while trying|TimeoutError|timed out|aborted due to timeout/i.test(text)) {
        return `no answer within ${timeoutMs / 1000} s; is this machine offline?`;
    }
    if (/fetch failed|network/i.test(text)) return 'the network request failed';
    return undefined;
}
