/**
 * Custom LSP messages between the language server and any client. Nothing here is VS Code specific: a plain LSP
 * client can call them.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Range } from './model';

/** One `@remote` function as the tree shows it. */
export interface FunctionSummary {
    name: string;
    range: Range;
    isAsync: boolean;
    /** True for the function that carries `benchmark_dataset`/`benchmark_generator`. */
    isBenchmark: boolean;
    params: string[];
}

/** One `Deployment(...)` in the workspace, as listed by `vastDeployments/listDeployments`. */
export interface DeploymentSummary {
    /** File URI (string, `file://...`). */
    uri: string;
    /** URI of the workspace folder holding the file, when known. */
    workspaceFolder?: string;
    /** Range of the `Deployment(...)` call. */
    range: Range;
    /** The name the SDK would send (`__main__` when unnamed, run as a script); undefined when not a literal. */
    name?: string;
    /** True when `name=` was omitted (the SDK names it after the module). */
    unnamed: boolean;
    /** `tag=` or `"default"`; undefined when not a literal. */
    tag?: string;
    functions: FunctionSummary[];
    /** Name of the benchmark function, when exactly one has a benchmark. */
    benchmarkFunction?: string;
    /**
     * `app.image(...)` reference and its `search_params` string as the SDK would send it (when readable);
     * `requireRange` is the first `require(...)` call on the image (where machines and prices show).
     */
    image?: { ref?: string; storage?: number; searchParams?: string; range: Range; requireRange?: Range };
    /** Autoscaling keyword arguments merged over every `configure_autoscaling` call (literal values only). */
    autoscaling?: Record<string, string | number | boolean | null>;
    /** Count of problems by severity for this deployment's file. */
    problems: { errors: number; warnings: number; information: number };
}

export interface ListDeploymentsParams {
    /** Only this document's deployments when given; the whole workspace otherwise. */
    uri?: string;
}

/** Sent from the client to the server: every deployment in every workspace folder (or in one document). */
export namespace ListDeploymentsRequest {
    export const method = 'vastDeployments/listDeployments' as const;
    export const type = new RequestType<ListDeploymentsParams, DeploymentSummary[], void>(method);
}

export interface DeploymentsChangedParams {
    /** Files whose deployments changed; empty = re-list everything. */
    uris: string[];
}

/** Sent from the server to the client when the workspace index changes (a file edited, added, deleted). */
export namespace DeploymentsChangedNotification {
    export const method = 'vastDeployments/deploymentsChanged' as const;
    export const type = new NotificationType<DeploymentsChangedParams>(method);
}
