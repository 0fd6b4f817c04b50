/** Building the `FileAnalysis` of a parsed tree; every part guarded so one broken part cannot hide the rest. */
import type { Tree } from 'web-tree-sitter';
import type { FileAnalysis } from '../model';
import { readDeployments } from './deployments';
import { collectVastaiImports, importInfo } from './imports';
import { readImportSite } from './importSite';
import { readIgnores, readSyntaxErrors } from './ignores';
import { AnalysisBudgetError, SourceIndex } from './nodes';
import type { EnvRead } from './values';
import { readImportTimeEnvReads } from './importTimeEnv';

/** An analysis with nothing in it (for text that does not mention `vastai`, or if analysis itself failed). */
export function emptyAnalysis(mentionsVastai = false): FileAnalysis {
    return {
        deployments: [],
        imports: { deploymentNames: [], vastaiModules: [], queryModules: [], queryNames: {}, getContextNames: [] },
        mentionsVastai,
        syntaxErrors: [],
        foreignRemotes: [],
        ignores: {},
    };
}

/** Runs `f`, falling back to `fallback` if it throws: one broken part must not hide the rest of the file. */
function guard<T>(f: () => T, fallback: T): T {
    try {
        return f();
    } catch (err) {
        // Out of time is not a broken part: the whole analysis stops, and the caller says so.
        if (err instanceof AnalysisBudgetError) throw err;
        return fallback;
    }
}

/** `env`: the environment `os.environ`/`os.getenv` read (the CLI's or the extension host's, plus a .env file). Left
 * out in the editor, where such reads stay dynamic. */
export interface AnalyzeOptions {
    env?: Readonly<Record<string, string | undefined>>;
}

/** Analyses an already parsed tree of `text`. Never throws. */
export function analyzeTree(text: string, tree: Tree, options: AnalyzeOptions = {}): FileAnalysis {
    return analyzeIndexed(new SourceIndex(text, tree), options);
}

/** Analyses the text and tree of `index` (an open document passes one that reuses its previous occurrences). */
export function analyzeIndexed(index: SourceIndex, options: AnalyzeOptions = {}): FileAnalysis {
    const { text, tree } = index;
    const result = emptyAnalysis(text.includes('vastai'));
    result.syntaxErrors = guard(() => readSyntaxErrors(tree.rootNode), []);
    result.ignores = guard(() => readIgnores(index), {});
    // Remotes on an app imported from another module need no `vastai` import in this file.
    const bindings = guard(() => collectVastaiImports(index), undefined);
    if (!bindings) return result;
    result.imports = guard(() => importInfo(bindings), result.imports);
    const site = result.mentionsVastai ? guard(() => readImportSite(index), undefined) : undefined;
    if (site) result.importSite = site;
    const envReads: EnvRead[] = [];
    const ctx = options.env ? { bindings, index, env: options.env, envReads } : { bindings, index };
    const found = guard(() => readDeployments(index, bindings, result.imports.getContextNames, ctx), {
        deployments: [],
        foreignRemotes: [],
    });
    result.deployments = found.deployments;
    result.foreignRemotes = found.foreignRemotes;
    if (options.env) result.envReads = uniqueReads(envReads);
    // A worker imports the deployment's file: its module-level reads run there.
    if (found.deployments.length > 0) {
        // The last part: out of time here loses only these warnings, not the analysis.
        const reads = guard(() => {
            try {
                return readImportTimeEnvReads(index);
            } catch (err) {
                if (err instanceof AnalysisBudgetError) return [];
                throw err;
            }
        }, []);
        if (reads.length > 0) result.importTimeEnvReads = reads;
    }
    return result;
}

/** Each variable once, at its first read. */
function uniqueReads(reads: EnvRead[]): EnvRead[] {
    const seen = new Set<string>();
    return reads.filter((r) => !seen.has(r.name) && seen.add(r.name));
}
