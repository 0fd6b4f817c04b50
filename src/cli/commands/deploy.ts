/** `plan` and `deploy`: which update tier a deploy fires, and the deploy itself. */
import * as path from 'node:path';
import { describePlan } from '../../shared/plan';
import { envReadLines } from '../../shared/packaging/envReads';
import { refuseOutOverInput } from '../outPath';
import { computePlan, deploy, DeployError, loadDeployment, type DeployResult } from '../../pipeline/run';
import { SecretFilesError } from '../../pipeline/packaging';
import { CliFailure, COMMON_HELP, emit, intFlag, makeClient, oneFile, parse, type Io } from '../common';
import { confirm, isInteractive } from '../prompt';
import { machinesForPlan } from './machines';

export const PLAN_HELP = `Usage: vast-deployments plan <file.py> [--deployment NAME] [--json]

Compares the local package (hash, image, search_params, env, storage, autoscaling, tag) with the deployed record and
says which update tier a deploy would fire: 0 nothing changed, 1 autoscaling only, 2 code soft-update,
3 image/env hard-update, 4 new tag/new deployment (new endpoint). The server decides; the mapping is inferred.
Also: how many machines match the deployment's requirements now and their price (see \`machines --help\`).

${COMMON_HELP}`;

export const DEPLOY_HELP = `Usage: vast-deployments deploy <file.py> [--deployment NAME] [--yes] [--wait] [--timeout S] [--json]

Packages the file, registers it (PUT /api/v0/deployments/), uploads the code when the server asks, triggers the
rolling update on a soft update, and with --wait waits until a worker is ready. Shows the plan first and asks
before going on (--yes skips the question and allows files that look like secrets).

Options:
  --deployment NAME   which Deployment of the file, when there are several
  --yes               do not ask
  --wait              wait for a ready worker
  --timeout S         --wait gives up after S seconds (default 900)
  --out FILE          keep the uploaded archive at FILE

${COMMON_HELP}`;

export async function runPlan(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, { deployment: { type: 'string' } });
    if (values.help) {
        io.out(PLAN_HELP);
        return 0;
    }
    const spec = await loadDeployment(oneFile(positionals, 'plan'), values.deployment);
    const client = makeClient(values, io, spec);
    const [plan, machines] = await Promise.all([
        computePlan(client, spec, { signal: io.signal }),
        machinesForPlan(client, spec, io.signal),
    ]);
    emit(io, values, { ...plan, machines: machines.result ?? null, envReads: spec.envReads ?? [] }, () => [
        `${spec.name} (tag ${spec.tag})`,
        ...describePlan(plan),
        ...envLines(spec.envReads),
        ...machines.lines,
    ]);
    return 0;
}

/** The variables the file read, as this process's environment gave them (the SDK reads the same at deploy time). */
function envLines(reads: Parameters<typeof envReadLines>[0] | undefined): string[] {
    return envReadLines(reads ?? [], "this shell's environment");
}

function resultLines(r: DeployResult): string[] {
    const lines = [
        `Deployment '${r.name}' is ready (id=${r.deploymentId})`,
        `  action: ${r.action}${r.tier !== undefined ? ` (tier ${r.tier})` : ''}, endpoint ${r.endpointId}` +
            (r.workergroupId !== undefined ? `, workergroup ${r.workergroupId}` : ''),
        `  file_hash: ${r.fileHash} (${r.fileSize} bytes${r.uploaded ? ', uploaded' : ', not uploaded: the server had it'})`,
        `  timings: ${Object.entries(r.timings)
            .map(([k, v]) => `${k} ${v} ms`)
            .join(', ')}`,
    ];
    if (r.workers) lines.push(`  workers: ${r.workers.map((w) => `#${w.id} ${w.status}`).join(', ')}`);
    return lines;
}

export async function runDeploy(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {
        deployment: { type: 'string' },
        yes: { type: 'boolean', default: false },
        wait: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        out: { type: 'string' },
    });
    if (values.help) {
        io.out(DEPLOY_HELP);
        return 0;
    }
    const timeout = intFlag('timeout', values.timeout, 1);
    const spec = await loadDeployment(oneFile(positionals, 'deploy'), values.deployment, { refuseErrors: true });
    if (values.out) refuseOutOverInput(path.resolve(io.cwd, values.out), spec);
    const client = makeClient(values, io, spec);
    const [plan, machines] = await Promise.all([
        computePlan(client, spec, { signal: io.signal }),
        machinesForPlan(client, spec, io.signal),
    ]);
    for (const l of [...describePlan(plan), ...envLines(spec.envReads), ...machines.lines]) io.err(l);
    if (!values.yes) {
        if (!isInteractive()) throw new CliFailure('refusing to deploy without confirmation: add --yes');
        if (!(await confirm(`Deploy ${spec.name} (tag ${spec.tag})?`, io.signal))) {
            io.err('Not deployed.');
            return 1;
        }
    }
    let result: DeployResult;
    try {
        result = await deploy(client, spec, {
            signal: io.signal,
            allowSecrets: values.yes,
            wait: values.wait,
            waitTimeoutMs: timeout !== undefined ? timeout * 1000 : undefined,
            outFile: values.out ? path.resolve(io.cwd, values.out) : undefined,
            onProgress: (p) => io.err(`[${p.step}] ${p.message}`),
        });
    } catch (e) {
        if (e instanceof DeployError && e.cause instanceof SecretFilesError) {
            throw new CliFailure(`${e.cause.message}; re-run with --yes to upload them anyway`);
        }
        throw e;
    }
    for (const w of result.warnings) io.err(`warning: ${w}`);
    if (spec.ttl !== null) {
        // The SDK keeps a heartbeat thread alive for the life of the process; a CLI run is short, so say so.
        await client
            .heartbeat(result.deploymentId, { signal: io.signal })
            .catch((e: Error) => io.err(`warning: ${e.message}`));
        io.err(
            `note: ttl=${spec.ttl}s: the deployment is torn down ${spec.ttl}s after the last heartbeat (one sent now).`,
        );
    }
    emit(io, values, { ...result, plan: { tier: plan.tier, label: plan.label, changes: plan.changes } }, () =>
        resultLines(result),
    );
    return 0;
}
