/**
 * `env-unset-on-worker`: `os.environ["X"]` at module level, with X not set by the image. A Vast worker runs
 * `serve_deployment.py`: it exports the image's `.env(...)` values (os.environ and /etc/environment), sets
 * IS_DEPLOYMENT=1 and imports the file, so every module-level read runs there, in the worker's environment and not
 * the user's shell: `python3 app.py` works, and every worker fails at the import with KeyError.
 */
import type { DeploymentModel, FileAnalysis } from '../model';
import { looksSecretName } from '../packaging/envReads';
import { problem } from './problems';
import type { Problem, RelatedInfo } from './types';

/**
 * What a worker has without `.env(...)`: IS_DEPLOYMENT (the bootstrap), and what the container and the PUT's docker
 * options give it, which the SDK's own worker reads with `os.environ[...]`.
 */
export const ON_EVERY_WORKER: ReadonlySet<string> = new Set([
    'IS_DEPLOYMENT',
    'DEPLOYMENT_ID',
    'CONTAINER_API_KEY',
    'CONTAINER_ID',
    'REPORT_ADDR',
    'WORKER_PORT',
    'PUBLIC_IPADDR',
    'PATH',
    'HOME',
]);

/**
 * Set on a worker only if Vast's container provides it, which nothing documents: the bootstrap reads
 * `CONTAINER_API_KEY or VAST_API_KEY`. The local emulator does not set it (its workers get CONTAINER_API_KEY).
 */
const MAYBE_ON_WORKER = new Set(['VAST_API_KEY']);

/** The names the deployment's image sets with `.env(...)`; undefined when it cannot be told (`**values`). */
function imageEnvNames(dep: DeploymentModel): Set<string> | undefined {
    const names = new Set<string>();
    for (const call of dep.image?.calls ?? []) {
        if (call.method !== 'env') continue;
        for (const arg of call.args) {
            if (arg.name === undefined) return undefined;
            names.add(arg.name);
        }
    }
    return names;
}

export function checkImportTimeEnv(analysis: FileAnalysis, out: Problem[]): void {
    const reads = analysis.importTimeEnvReads;
    if (!reads || analysis.deployments.length === 0) return;
    const images = analysis.deployments.map((dep) => ({ dep, names: imageEnvNames(dep) }));
    for (const read of reads) {
        if (ON_EVERY_WORKER.has(read.name) || /^VAST_TCP_PORT_/.test(read.name)) continue;
        const missing = images.filter((i) => i.names !== undefined && !i.names.has(read.name));
        if (missing.length === 0) continue;
        const related: RelatedInfo[] = missing.flatMap(({ dep }) =>
            dep.image
                ? [{ range: dep.image.call.range, message: `this image does not set ${read.name} with .env(...)` }]
                : [],
        );
        const n = read.name;
        // image.env values travel in the package's config.json: say so for what looks like a secret.
        const where = looksSecretName(n) ? ' (its value is then uploaded in the package)' : '';
        const claim = MAYBE_ON_WORKER.has(n)
            ? `May raise KeyError on workers: a worker imports this file, and ${n} is set there only if Vast's ` +
              `container provides it (the SDK's bootstrap reads CONTAINER_API_KEY first; the local emulator does not ` +
              `set ${n})`
            : `Raises KeyError on every worker: a worker imports this file with the variables image.env(...) sets ` +
              `(and Vast's own, like IS_DEPLOYMENT), not this machine's environment`;
        out.push(
            problem(
                'env-unset-on-worker',
                `${claim}; set ${n} with image.env(${n}=...)${where}, or read it with os.environ.get(...) or ` +
                    `inside a function.`,
                read.range,
                { related },
            ),
        );
    }
}
