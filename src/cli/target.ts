/** Which deployment a command acts on: `<file.py>` (its name and tag), `--name/--tag`, or `--id`. */
import type { VastClient } from '../pipeline/api';
import type { DeploymentRecord } from '../pipeline/api/types';
import type { DeploymentSpec } from '../pipeline/packaging';
import { loadDeployment } from '../pipeline/run';
import { CliFailure, intFlag, makeClient, UsageError, type CommonValues, type Io } from './common';

export const TARGET_OPTIONS = {
    deployment: { type: 'string' },
    name: { type: 'string' },
    tag: { type: 'string' },
    id: { type: 'string' },
} as const;

export const TARGET_HELP = `Target (one of):
  <file.py> [--deployment NAME]   the deployment defined in the file (NAME = its name= or variable, when several)
  --name NAME [--tag TAG]         by name (tag default "default")
  --id ID                         by deployment id`;

export interface TargetValues extends CommonValues {
    deployment?: string;
    name?: string;
    tag?: string;
    id?: string;
}

export interface Target {
    client: VastClient;
    spec?: DeploymentSpec;
    name?: string;
    tag?: string;
    id?: number;
}

/** Resolves the target's name/tag/id and a client (URLs from the file when it has them). */
export async function resolveTarget(values: TargetValues, positionals: string[], io: Io): Promise<Target> {
    if (positionals.length > 1) throw new UsageError('expected at most one <file.py>');
    const id = intFlag('id', values.id, 1);
    if (positionals.length === 1) {
        const spec = await loadDeployment(positionals[0]!, values.deployment).catch((e: Error) => {
            throw new CliFailure(e.message.split('\n')[0]!, 1, e.message.split('\n').slice(1));
        });
        return { client: makeClient(values, io, spec), spec, name: spec.name, tag: values.tag ?? spec.tag, id };
    }
    if (values.name === undefined && id === undefined) {
        throw new UsageError('say which deployment: <file.py>, --name NAME or --id ID');
    }
    return {
        client: makeClient(values, io),
        name: values.name,
        tag: values.tag ?? (values.name ? 'default' : undefined),
        id,
    };
}

/** The deployed record of the target; a CliFailure when it does not exist. */
export async function findRecord(t: Target, signal: AbortSignal): Promise<DeploymentRecord> {
    if (t.id !== undefined) return t.client.showDeployment(t.id, { signal });
    const found = await t.client.findDeployments(t.name!, t.tag, { signal });
    if (found.length === 0) {
        throw new CliFailure(`No deployment named "${t.name}" with tag "${t.tag}" on ${t.client.webserverUrl}`);
    }
    // The list may be abbreviated; show has every field.
    return t.client.showDeployment(found[0]!.id, { signal });
}
