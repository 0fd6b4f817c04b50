/**
 * `--out FILE` must never be one of the package's inputs: writing the archive there would replace the user's own
 * source (the .py, or a copied file) and a failed build would then delete it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planPackage, type DeploymentSpec } from '../pipeline/packaging';
import { CliFailure } from './common';

/** The path itself and, when it exists, where it really is (symlinks resolved). */
function identities(p: string): string[] {
    const out = [path.resolve(p)];
    try {
        out.push(fs.realpathSync(p));
    } catch {
        // Does not exist yet: only its resolved path can collide.
    }
    return out;
}

/** Throws a CliFailure when `out` names the deployment file or any file or folder the package copies. */
export function refuseOutOverInput(out: string, spec: DeploymentSpec): void {
    const inputs = new Set<string>([...identities(spec.file)]);
    const planned = planPackage(spec);
    if (planned.ok) for (const e of planned.plan.entries) for (const id of identities(e.path)) inputs.add(id);
    const hit = identities(out).find((id) => inputs.has(id));
    // A folder being copied holds the archive too if --out lies inside it: the archive would copy itself.
    const inside = [...inputs].find((i) => identities(out).some((id) => id.startsWith(i + path.sep)));
    if (hit !== undefined) {
        throw new CliFailure(`--out ${out} is an input of the package (${hit}); choose another path`);
    }
    if (inside !== undefined && planned.ok && planned.plan.entries.some((e) => e.kind === 'dir' && e.path === inside)) {
        throw new CliFailure(`--out ${out} is inside a copied folder (${inside}); choose another path`);
    }
}
