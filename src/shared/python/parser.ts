/**
 * Loading tree-sitter (wasm) and the Python grammar. This is the one place in `src/shared` that touches the file
 * system: the two wasm files sit next to the bundle (`dist/`) or, when running compiled `out/`, in node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tree } from 'web-tree-sitter';
// `require`, not `import`: bundlers then pick the package's CommonJS build. Its ESM build reads `import.meta.url`,
// which does not exist in our CommonJS bundles (dist/*.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
import TreeSitter = require('web-tree-sitter');

const { Language, Parser } = TreeSitter;

const RUNTIME_WASM = 'tree-sitter.wasm';
const PYTHON_WASM = 'tree-sitter-python.wasm';

/** Thrown when the parser is used before `initPython()` resolved. */
export class PythonNotInitializedError extends Error {
    constructor() {
        super('initPython() must be awaited before analysing Python');
        this.name = 'PythonNotInitializedError';
    }
}

/** Thrown when a wasm file cannot be found next to the bundle or in node_modules. */
export class WasmNotFoundError extends Error {
    constructor(file: string, tried: string[]) {
        super(`cannot find ${file}; looked in: ${tried.join(', ')}`);
        this.name = 'WasmNotFoundError';
    }
}

let parser: TreeSitter.Parser | undefined;
let pending: Promise<void> | undefined;

/** Finds a wasm file: beside this code first (the esbuild bundle in dist/), then the npm package. */
function locateWasm(file: string, packagePath: string): string {
    const tried: string[] = [];
    const beside = path.join(__dirname, file);
    tried.push(beside);
    if (fs.existsSync(beside)) return beside;
    try {
        return require.resolve(packagePath);
    } catch {
        tried.push(packagePath);
    }
    throw new WasmNotFoundError(file, tried);
}

async function load(): Promise<void> {
    const runtime = locateWasm(RUNTIME_WASM, 'web-tree-sitter/tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime });
    const language = await Language.load(fs.readFileSync(locateWasm(PYTHON_WASM, 'tree-sitter-python/' + PYTHON_WASM)));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
}

/** Loads the parser once; later calls return the same promise. A failed load may be retried. */
export function initPython(): Promise<void> {
    if (parser) return Promise.resolve();
    pending ??= load().catch((err: unknown) => {
        pending = undefined;
        throw err;
    });
    return pending;
}

/** True once `initPython()` has resolved. */
export function isPythonReady(): boolean {
    return parser !== undefined;
}

/** Thrown by `parsePython` when a parse given a budget runs past it (see `limits.ts` for why a parse can be slow). */
export class ParseBudgetError extends Error {
    constructor(readonly budgetMs: number) {
        super(`parsing took longer than ${budgetMs} ms`);
        this.name = 'ParseBudgetError';
    }
}

/**
 * Parses `text`, reusing `oldTree` (already `edit()`ed) for incremental parsing. The caller owns the returned tree
 * and must `delete()` it (wasm memory is not garbage collected). With `budgetMs`, a parse still running after that
 * long stops with `ParseBudgetError`.
 */
export function parsePython(text: string, oldTree?: Tree, budgetMs?: number): Tree {
    if (!parser) throw new PythonNotInitializedError();
    // A lone `\r` ends a line in Python (and in LSP), not in tree-sitter's grammar: parse it as `\n`. The length is
    // the same, so offsets stay the same and rows become LSP lines. (Callers with lone CRs parse without `oldTree`.)
    const source = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
    const deadline = budgetMs === undefined ? undefined : performance.now() + budgetMs;
    // tree-sitter asks every hundred or so steps whether to stop (the typings say void; true cancels).
    const progressCallback = (() => deadline !== undefined && performance.now() > deadline) as () => void;
    const tree = parser.parse(
        readerOf(source),
        oldTree ?? null,
        deadline === undefined ? undefined : { progressCallback },
    );
    if (!tree) {
        if (deadline === undefined) throw new Error('tree-sitter returned no tree');
        // A cancelled parse would otherwise be resumed by the next one.
        parser.reset();
        throw new ParseBudgetError(budgetMs ?? 0);
    }
    return tree;
}

/**
 * What tree-sitter reads `text` through (while parsing, and later for `node.text`): the same slices its own string
 * reader makes, from a function of ours. Measured (test/unit/analysis/retention.test.ts, the 10,000-line bench): handed
 * the string itself, web-tree-sitter kept every version of an edited document since the last young-generation GC alive
 * through it (all promoted to the old generation, freed only by full GCs); through this function, none is. Why its own
 * reader does that is not understood; the test fails if it comes back.
 */
function readerOf(text: string): (index: number) => string {
    return (index) => text.slice(index);
}
