/**
 * Workspace rules, over every analysed file at once: `duplicate-deployment` and `remote-in-multiple-files`.
 * Returns only these problems; the caller merges them with each file's `checkFile` result.
 */
import type { DeploymentModel, FileAnalysis } from '../model';
import { problem } from './problems';
import { sentName } from './structure';
import type { Problem } from './types';

/** One analysed file of the workspace. */
export interface WorkspaceFile {
    uri: string;
    analysis: FileAnalysis;
    /** The file's path with `/` separators; derived from a `file:` URI when absent. */
    path?: string;
}

/** The path of a file for module matching. */
function pathOf(f: WorkspaceFile): string {
    if (f.path !== undefined) return f.path.replace(/\\/g, '/');
    const m = /^file:\/\/[^/]*(\/.*)$/.exec(f.uri);
    return decodeURIComponent(m?.[1] ?? f.uri);
}

/** The name and tag the SDK would send, when statically known (unnamed = `__main__`, run as a script). */
export function deploymentKey(dep: DeploymentModel): { name: string; tag: string } | undefined {
    const n = sentName(dep);
    if (n === null) return undefined;
    const t = dep.tag;
    let name: string;
    if (!n || n.kind === 'none' || (n.kind === 'str' && n.value === '')) name = '__main__';
    else if (n.kind === 'str') name = n.value;
    else return undefined;
    let tag: string;
    if (!t || t.kind === 'none') tag = 'default';
    else if (t.kind === 'str') tag = t.value;
    else return undefined;
    return { name, tag };
}

/** Problems found across files, keyed by file URI (files without any are absent). */
export function checkWorkspace(files: readonly WorkspaceFile[]): Map<string, Problem[]> {
    const result = new Map<string, Problem[]>();
    const add = (uri: string, p: Problem) => {
        const list = result.get(uri) ?? [];
        list.push(p);
        result.set(uri, list);
    };
    checkDuplicates(files, add);
    checkForeignRemotes(files, add);
    return result;
}

function checkDuplicates(files: readonly WorkspaceFile[], add: (uri: string, p: Problem) => void): void {
    const byKey = new Map<string, { uri: string; dep: DeploymentModel; name: string; tag: string }[]>();
    for (const f of files) {
        for (const dep of f.analysis.deployments) {
            const key = deploymentKey(dep);
            if (!key) continue;
            const k = JSON.stringify([key.name, key.tag]);
            byKey.set(k, [...(byKey.get(k) ?? []), { uri: f.uri, dep, ...key }]);
        }
    }
    for (const group of byKey.values()) {
        if (group.length < 2) continue;
        for (const me of group) {
            const others = group.filter((o) => o !== me);
            out(me, others);
        }
    }
    function out(
        me: { uri: string; dep: DeploymentModel; name: string; tag: string },
        others: { uri: string; dep: DeploymentModel }[],
    ): void {
        const unnamed = me.name === '__main__' ? ' (unnamed deployments are all "__main__" when run as scripts)' : '';
        add(
            me.uri,
            problem(
                'duplicate-deployment',
                `Deployment "${me.name}" with tag "${me.tag}" is defined ${others.length + 1} times in the workspace` +
                    `${unnamed}; deploying one replaces the other. Give each a distinct name or tag.`,
                me.dep.call.methodRange,
                {
                    related: others.map((o) => ({
                        range: o.dep.call.methodRange,
                        uri: o.uri === me.uri ? undefined : o.uri,
                        message: 'also defined here',
                    })),
                },
            ),
        );
    }
}

/** Files that a module name can mean, for an importer at `fromPath`: `pkg.app` -> `.../pkg/app.py`. */
function moduleSuffixes(module: string, fromPath: string): { suffixes: string[]; dir?: string } {
    const dots = /^\.*/.exec(module)?.[0].length ?? 0;
    const rel = module.slice(dots).split('.').filter(Boolean).join('/');
    const suffixes = rel ? [`${rel}.py`, `${rel}/__init__.py`] : ['__init__.py'];
    if (dots === 0) return { suffixes };
    // Relative import: resolve against the importer's package folder.
    let dir = fromPath.slice(0, fromPath.lastIndexOf('/'));
    for (let i = 1; i < dots; i++) dir = dir.slice(0, dir.lastIndexOf('/'));
    return { suffixes, dir };
}

function checkForeignRemotes(files: readonly WorkspaceFile[], add: (uri: string, p: Problem) => void): void {
    for (const f of files) {
        const fromPath = pathOf(f);
        const fromDir = fromPath.slice(0, fromPath.lastIndexOf('/'));
        for (const fr of f.analysis.foreignRemotes) {
            const { suffixes, dir } = moduleSuffixes(fr.module, fromPath);
            const candidates = files
                .filter((o) => o !== f)
                .map((o) => ({ o, p: pathOf(o) }))
                .filter(({ p }) =>
                    suffixes.some((s) => (dir !== undefined ? p === `${dir}/${s}` : p === s || p.endsWith(`/${s}`))),
                )
                // Prefer the module next to the importer (how `python app.py` resolves it), then the shortest path.
                .sort((a, b) => score(b.p) - score(a.p) || a.p.length - b.p.length);
            function score(p: string): number {
                return p.startsWith(`${fromDir}/`) ? 1 : 0;
            }
            const target = candidates[0];
            const dep = target?.o.analysis.deployments.find((d) => d.variable === fr.importedName);
            if (!target || !dep) continue;
            add(
                f.uri,
                problem(
                    'remote-in-multiple-files',
                    `\`${fr.remote.name}\` is a @remote of the Deployment defined in ${fr.module}, but the SDK ` +
                        'packages a single .py file per deployment ("Using a single-file deployment object to deploy ' +
                        'remote functions from multiple .py files!"). Define it in the same file as the Deployment.',
                    fr.remote.decorator.range,
                    { related: [{ range: dep.call.methodRange, uri: target.o.uri, message: 'the Deployment' }] },
                ),
            );
            if (dep.remotes.length > 0) {
                add(
                    target.o.uri,
                    problem(
                        'remote-in-multiple-files',
                        `\`${dep.variable}\` also gets @remote functions from another file (\`${fr.remote.name}\`); ` +
                            'the SDK deploys remote functions from one .py file only. Move them here.',
                        dep.call.methodRange,
                        { related: [{ range: fr.remote.nameRange, uri: f.uri, message: `\`${fr.remote.name}\`` }] },
                    ),
                );
            }
        }
    }
}
