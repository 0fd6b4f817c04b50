/**
 * What every CLI command shares: flag parsing (node:util parseArgs), the client from `--api-url`,
 * `--autoscaler-url`, `--api-key`, output (results on stdout, progress on stderr) and failures as one line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { requireApiKey, VastClient } from '../pipeline/api';
import type { DeploymentSpec } from '../pipeline/packaging';

/** A wrong invocation: exit 2 with the command's usage. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'UsageError';
    }
}

/** An expected failure with a one-line reason (exit 1). */
export class CliFailure extends Error {
    constructor(
        message: string,
        readonly exitCode = 1,
        readonly details: string[] = [],
    ) {
        super(message);
        this.name = 'CliFailure';
    }
}

export interface Io {
    out: (text: string) => void;
    err: (text: string) => void;
    env: NodeJS.ProcessEnv;
    cwd: string;
    /** Cancelled on SIGINT. */
    signal: AbortSignal;
}

export const COMMON_OPTIONS = {
    'api-url': { type: 'string' },
    'autoscaler-url': { type: 'string' },
    'autoscaler-instance': { type: 'string' },
    'api-key': { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
    verbose: { type: 'boolean', short: 'v', default: false },
} as const satisfies ParseArgsConfig['options'];

export const COMMON_HELP = `Common options:
  --api-url URL             console API (the SDK's webserver_url; default https://console.vast.ai, or $VAST_API_URL)
  --autoscaler-url URL      autoscaler (default $VAST_AUTOSCALER_URL, else from --autoscaler-instance: prod =
                            https://run.vast.ai; a console on 127.0.0.1/localhost implies the same URL)
  --autoscaler-instance I   prod | alpha | candidate | local
  --api-key KEY             API key (default: $VAST_API_KEY, then the vastai key files)
  --json                    machine-readable result on stdout
  -v, --verbose             log each HTTP request (keys redacted) on stderr
  -h, --help                this help`;

/** Parses `argv` with the common options plus the command's own. Unknown flags are a UsageError. */
export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
    try {
        return parseArgs({
            args: argv,
            options: { ...COMMON_OPTIONS, ...options },
            allowPositionals: true,
            strict: true,
        });
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
}

export interface CommonValues {
    'api-url'?: string;
    'autoscaler-url'?: string;
    'autoscaler-instance'?: string;
    'api-key'?: string;
    json?: boolean;
    verbose?: boolean;
}

/** The base URLs: flags, then `Deployment(webserver_url=..., autoscaler_url=...)` in the file, then env/defaults. */
export function urlsFrom(v: CommonValues, io: Io, spec?: DeploymentSpec) {
    return {
        webserverUrl: v['api-url'] ?? spec?.clientOptions.webserverUrl ?? io.env.VAST_API_URL ?? undefined,
        autoscalerUrl:
            v['autoscaler-url'] ?? spec?.clientOptions.autoscalerUrl ?? io.env.VAST_AUTOSCALER_URL ?? undefined,
        autoscalerInstance: v['autoscaler-instance'] ?? spec?.clientOptions.autoscalerInstance,
    };
}

/** A client for the command; the key lookup follows the SDK (explicit, VAST_API_KEY, key files). */
export function makeClient(v: CommonValues, io: Io, spec?: DeploymentSpec): VastClient {
    const key = requireApiKey(v['api-key'], { env: io.env });
    const urls = urlsFrom(v, io, spec);
    return new VastClient({
        apiKey: key.key,
        webserverUrl: urls.webserverUrl,
        autoscalerUrl: urls.autoscalerUrl,
        autoscalerInstance: urls.autoscalerInstance,
        log: v.verbose ? (line) => io.err(line) : undefined,
    });
}

/** Writes the result: JSON when `--json`, else the text lines. */
export function emit(io: Io, v: CommonValues, value: unknown, lines: () => string[]): void {
    if (v.json) io.out(JSON.stringify(value, null, 2));
    else for (const l of lines()) io.out(l);
}

/** Parses an integer flag. */
export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}`);
    return n;
}

/** Exactly one positional argument (the .py file). */
export function oneFile(positionals: string[], command: string): string {
    if (positionals.length !== 1) throw new UsageError(`${command} needs exactly one <file.py>`);
    return positionals[0]!;
}
