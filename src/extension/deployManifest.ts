/**
 * A manifest of a package, per entry: config.json's fields, the deployment file's content hash, and each copied
 * file's size and mtime (a copied model is not read again just to name it). Compared with the last deploy's to list
 * what a code change touched. Part of the heavy bundle (reads files).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Prepared } from './pipelineBridge';
import type { Manifest } from './planWords';

export function manifestOf(prepared: Prepared): Manifest {
    const m: Manifest = {};
    try {
        const config = JSON.parse(prepared.spec.configJson) as Record<string, unknown>;
        for (const [k, v] of Object.entries(config)) m[`config.json#${k}`] = JSON.stringify(v);
    } catch {
        m['config.json'] = createHash('sha256').update(prepared.spec.configJson).digest('hex');
    }
    const py = prepared.plan.deploymentPath;
    m[path.basename(py)] = createHash('sha256').update(fs.readFileSync(py)).digest('hex');
    for (const e of prepared.plan.entries) {
        if (e.kind !== 'dir') m[e.arcname.replace(/^\.\//, '')] = `${e.size}:${e.mtime}`;
    }
    return m;
}
