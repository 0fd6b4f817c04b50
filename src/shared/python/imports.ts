/**
 * How the file reaches the SDK: which local names are bound to `vastai.Deployment`, the query module, its columns
 * and GPU constants, and `get_context`. Only import statements that mention `vastai` are read.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportInfo } from '../model';
import { GPU_NAMES, QUERY_COLUMNS } from '../vocabulary';
import { namedChildren, parentOf, type SourceIndex } from './nodes';

export const QUERY_MODULE = 'vastai.data.query';
/** Where the SDK defines or re-exports `Deployment` (`vastai/__init__.py` re-exports `serverless.remote`). */
const DEPLOYMENT_PATHS = new Set([
    'vastai.Deployment',
    'vastai.serverless.Deployment',
    'vastai.serverless.remote.Deployment',
    'vastai.serverless.remote.deploy.Deployment',
    'vastai.serverless.remote.serve.Deployment',
]);

/** Local name -> fully qualified dotted name, for the names the file imports from `vastai`. */
export class Bindings {
    readonly names = new Map<string, string>();
    readonly starModules: string[] = [];

    /** The qualified name of an identifier or attribute chain (`q.gpu_ram` -> `vastai.data.query.gpu_ram`). */
    qualify(node: Node): string | undefined {
        if (node.type === 'identifier') return this.qualifyName(node.text);
        if (node.type === 'attribute') {
            const obj = node.childForFieldName('object');
            const attr = node.childForFieldName('attribute');
            if (!obj || !attr) return undefined;
            const base = this.qualify(obj);
            return base === undefined ? undefined : `${base}.${attr.text}`;
        }
        return undefined;
    }

    qualifyName(name: string): string | undefined {
        const bound = this.names.get(name);
        if (bound !== undefined) return bound;
        for (const mod of this.starModules) {
            const full = `${mod}.${name}`;
            if (mod === QUERY_MODULE && (name === 'Column' || name in QUERY_COLUMNS || name in GPU_NAMES)) return full;
            if (DEPLOYMENT_PATHS.has(full) || name === 'get_context') return full;
        }
        return undefined;
    }
}

/** True when a qualified name is the SDK's `Deployment` class. */
export function isDeploymentPath(qualified: string | undefined): boolean {
    return qualified !== undefined && DEPLOYMENT_PATHS.has(qualified);
}

/** True when a qualified name is the SDK's module-level `get_context`. */
export function isGetContextPath(qualified: string | undefined): boolean {
    return qualified !== undefined && qualified.startsWith('vastai') && qualified.endsWith('.get_context');
}

function moduleName(node: Node | null): string | undefined {
    if (!node) return undefined;
    return node.text.replace(/\s+/g, '');
}

/** Adds the bindings of one import statement (`import a.b as c`, `from a import b as c`, `from a import *`). */
function bindStatement(stmt: Node, out: Bindings): void {
    if (stmt.type === 'import_statement') {
        for (const item of namedChildren(stmt)) {
            if (item.type === 'dotted_name') {
                const full = moduleName(item);
                const head = full?.split('.')[0];
                if (head) out.names.set(head, head);
            } else if (item.type === 'aliased_import') {
                const full = moduleName(item.childForFieldName('name'));
                const alias = item.childForFieldName('alias')?.text;
                if (full && alias) out.names.set(alias, full);
            }
        }
        return;
    }
    const mod = moduleName(stmt.childForFieldName('module_name'));
    if (!mod) return;
    for (const item of namedChildren(stmt)) {
        if (item.type === 'wildcard_import') {
            out.starModules.push(mod);
        } else if (
            item.type === 'dotted_name' &&
            item.startIndex > (stmt.childForFieldName('module_name')?.endIndex ?? 0)
        ) {
            out.names.set(item.text, `${mod}.${item.text}`);
        } else if (item.type === 'aliased_import') {
            const name = moduleName(item.childForFieldName('name'));
            const alias = item.childForFieldName('alias')?.text;
            if (name && alias) out.names.set(alias, `${mod}.${name}`);
        }
    }
}

function enclosingImport(node: Node): Node | undefined {
    for (let n: Node | null = node, depth = 0; n && depth < 4; n = parentOf(n), depth++) {
        if (n.type === 'import_statement' || n.type === 'import_from_statement') return n;
    }
    return undefined;
}

/** Reads every import statement that mentions `vastai`, in source order. */
export function collectVastaiImports(index: SourceIndex): Bindings {
    const out = new Bindings();
    const seen = new Set<number>();
    for (const id of index.identifiers('vastai')) {
        const stmt = enclosingImport(id);
        if (!stmt || seen.has(stmt.id)) continue;
        seen.add(stmt.id);
        bindStatement(stmt, out);
    }
    for (const [local, full] of [...out.names]) if (!full.startsWith('vastai')) out.names.delete(local);
    return out;
}

/** The `ImportInfo` summary of the bindings. */
export function importInfo(b: Bindings): ImportInfo {
    const info: ImportInfo = {
        deploymentNames: [],
        vastaiModules: [],
        queryModules: [],
        queryNames: {},
        getContextNames: [],
    };
    for (const [local, full] of b.names) {
        if (isDeploymentPath(full)) info.deploymentNames.push(local);
        else if (full === 'vastai') info.vastaiModules.push(local);
        else if (full === QUERY_MODULE) info.queryModules.push(local);
        else if (full.startsWith(QUERY_MODULE + '.')) info.queryNames[local] = full.slice(QUERY_MODULE.length + 1);
        else if (isGetContextPath(full)) info.getContextNames.push(local);
    }
    for (const mod of b.starModules) {
        if (mod === QUERY_MODULE) {
            for (const n of [...Object.keys(QUERY_COLUMNS), ...Object.keys(GPU_NAMES), 'Column']) {
                if (!(n in info.queryNames)) info.queryNames[n] = n;
            }
        } else if (isDeploymentPath(`${mod}.Deployment`) && !info.deploymentNames.includes('Deployment')) {
            info.deploymentNames.push('Deployment');
        }
    }
    return info;
}

/** How `name` is bound by a `from M import X [as name]` anywhere in the file (for remotes on imported apps). */
export function fromImportOf(index: SourceIndex, name: string): { module: string; importedName: string } | undefined {
    for (const id of index.identifiers(name)) {
        const stmt = enclosingImport(id);
        if (!stmt || stmt.type !== 'import_from_statement') continue;
        const mod = moduleName(stmt.childForFieldName('module_name'));
        if (!mod) continue;
        const b = new Bindings();
        bindStatement(stmt, b);
        const full = b.names.get(name);
        if (full !== undefined && full.startsWith(mod + '.')) {
            return { module: mod, importedName: full.slice(mod.length + 1) };
        }
    }
    return undefined;
}
