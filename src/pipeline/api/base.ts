/**
 * The client's foundation: base URLs, the shared transport (retries, timeouts, redaction) and the helpers every call
 * goes through. Calls live in deployments.ts (console deployment calls) and client.ts (endpoints, autoscaler, workers).
 */
import type { Dispatcher } from 'undici';
import { call, realSleep, type CallOptions, type HttpMethod, type Sleep, type Transport } from './http';
import { fetchRootCert, vastAgent } from './tls';
import { DEFAULT_WEBSERVER_URL, resolveAutoscalerUrl, trimSlash } from './urls';

export const CLIENT_VERSION = '0.1.0';

export interface ClientOptions {
    apiKey: string;
    /** The SDK's `webserver_url` (default `https://console.vast.ai`). */
    webserverUrl?: string;
    /** `prod` | `alpha` | `candidate` | `local` | other (= prod). */
    autoscalerInstance?: string;
    /** Overrides `autoscalerInstance`. Neither given and a loopback `webserverUrl`: the same origin. */
    autoscalerUrl?: string;
    dispatcher?: Dispatcher;
    sleep?: Sleep;
    random?: () => number;
    /** Redacted transport log lines (one per attempt). */
    log?: (line: string) => void;
    timeoutMs?: number;
    tries?: number;
    maxRetryAfterMs?: number;
    /** The most one response may hold (default 64 MiB: API answers are small; a larger one is a broken server). */
    maxResponseBytes?: number;
    /** Where the worker CA comes from (default `{webserver}/static/jvastai_root.cer`). */
    rootCertUrl?: string;
}

/** Per-call options every method accepts. */
export interface Req {
    signal?: AbortSignal;
}

export function obj(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Holds the URLs and transport; subclasses add the calls. */
export class ClientBase {
    readonly webserverUrl: string;
    readonly autoscalerUrl: string;
    readonly transport: Transport;
    protected readonly apiKey: string;
    private readonly rootCertUrl: string;
    private workerAgent?: Promise<Dispatcher>;

    constructor(opts: ClientOptions) {
        this.apiKey = opts.apiKey;
        this.webserverUrl = trimSlash(opts.webserverUrl || DEFAULT_WEBSERVER_URL);
        this.autoscalerUrl = trimSlash(
            resolveAutoscalerUrl(opts.webserverUrl, opts.autoscalerInstance, opts.autoscalerUrl),
        );
        this.rootCertUrl = opts.rootCertUrl ?? `${this.webserverUrl}/static/jvastai_root.cer`;
        this.transport = {
            dispatcher: opts.dispatcher,
            sleep: opts.sleep ?? realSleep,
            random: opts.random ?? Math.random,
            log: opts.log,
            secrets: new Set([opts.apiKey]),
            userAgent: `vast-deployments/${CLIENT_VERSION} (vastai-sdk compatible)`,
            timeoutMs: opts.timeoutMs ?? 30_000,
            tries: opts.tries ?? 5,
            maxRetryAfterMs: opts.maxRetryAfterMs ?? 60_000,
            maxResponseBytes: opts.maxResponseBytes ?? 64 << 20,
        };
    }

    /** Adds a key (e.g. an endpoint key) to the set scrubbed from every message. */
    addSecret(s: string | undefined): void {
        if (s) this.transport.secrets.add(s);
    }

    protected web(method: HttpMethod, p: string, what: string, extra: Partial<CallOptions> = {}) {
        return call(this.transport, { method, url: this.webserverUrl + p, what, key: this.apiKey, ...extra });
    }

    protected auto(p: string, what: string, body: Record<string, unknown>, extra: Partial<CallOptions> = {}) {
        return call(this.transport, {
            method: 'POST',
            url: this.autoscalerUrl + p,
            what,
            key: this.apiKey,
            json: { ...body, api_key: this.apiKey },
            ...extra,
        });
    }

    /** The dispatcher trusting Vast's root CA (fetched once, on the first https worker call). */
    workerDispatcher(signal?: AbortSignal): Promise<Dispatcher> {
        if (!this.workerAgent) {
            this.workerAgent = fetchRootCert(this.transport, this.rootCertUrl, signal).then(vastAgent);
            // A failed fetch must not be cached forever.
            this.workerAgent.catch(() => (this.workerAgent = undefined));
        }
        return this.workerAgent;
    }
}
