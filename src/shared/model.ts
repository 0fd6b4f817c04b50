/**
 * The analysis model: what a Python file says about its `vastai` Deployments, read statically.
 *
 * JSON-safe (no classes, no Maps) so it can cross the LSP wire and be cached. Every value keeps the source range it
 * came from, so diagnostics, CodeLens and quick fixes land on the right characters. Ranges are 0-based LSP ranges
 * (line, UTF-16 character).
 */

export interface Position {
    line: number;
    character: number;
}

export interface Range {
    start: Position;
    end: Position;
}

/** Comparison operators of the SDK's query DSL, named as in `vastai/data/query.py`. */
export type QueryOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte' | 'in' | 'notin';

/** One `column <op> value` term of a `require(...)` query, e.g. `gpu_ram >= 24000`. */
export interface QueryTerm {
    /** Python-side column name as written (`gpu_ram`, `id_`). */
    column: string;
    /** Server-side column name from the vocabulary (`id_` -> `id`); equals `column` when unknown. */
    serverColumn: string;
    op: QueryOp;
    value: PyValue;
    range: Range;
}

/**
 * A statically evaluated Python value. `int` and `float` are distinct because Python prints them differently
 * (`1000` vs `1000.0`), which matters for the byte-exact `search_params` string.
 */
export type PyValue =
    | { kind: 'str'; value: string; range: Range }
    /** `digits`: the exact decimal text when `value` (a double) is not exact; Python ints are unbounded. */
    | { kind: 'int'; value: number; digits?: string; range: Range }
    | { kind: 'float'; value: number; range: Range }
    | { kind: 'bool'; value: boolean; range: Range }
    | { kind: 'none'; range: Range }
    | { kind: 'list' | 'tuple' | 'set'; items: PyValue[]; range: Range }
    | { kind: 'dict'; entries: { key: PyValue; value: PyValue }[]; range: Range }
    /** A query expression (`gpu_name.in_([RTX_4090])`, `gpu_ram >= 24000`); several terms when combined with `&`. */
    | { kind: 'query'; terms: QueryTerm[]; range: Range }
    /** A lambda (used for `benchmark_generator`); `body` is evaluated when it is a literal. */
    | { kind: 'lambda'; params: string[]; body: PyValue; range: Range }
    /**
     * Anything that cannot be read statically: a variable, a call, an f-string... `text` is the source text.
     * `unsetEnv`: it is `os.environ["X"]` with X not set in a known environment (Python raises KeyError).
     */
    | { kind: 'dynamic'; text: string; range: Range; unsetEnv?: string };

/** One argument of a call as written. `name` is absent for positional arguments; `*x`/`**x` are `dynamic`. */
export interface CallArg {
    name?: string;
    nameRange?: Range;
    value: PyValue;
    /** The whole argument, `name=value` included. */
    range: Range;
}

/** A method call on a deployment or image object, e.g. `image.pip_install("torch")` or `app.configure_autoscaling()`. */
export interface MethodCall {
    /** `pip_install`, `require`, `configure_autoscaling`... */
    method: string;
    args: CallArg[];
    /** The whole call expression. */
    range: Range;
    /** The method name only (for hovers and squiggles on the name). */
    methodRange: Range;
    /** The argument list, parentheses included (for inserting arguments). Empty (start = end, right after the
     * method name) for a decorator written without parentheses, e.g. `@app.remote`. */
    argsRange: Range;
    /** Names in the arguments that nothing in the file binds: Python raises NameError when the call runs. Read for
     * `require(...)` only (e.g. `RTX_4090` used without its import). */
    unboundNames?: { name: string; range: Range }[];
    /** True when the call sits inside a function or lambda body, so it runs when that is called, not at import
     * (e.g. `ensure_ready()` inside `main()`). */
    inFunction?: boolean;
}

/** A parameter of a `@remote` function. */
export interface Param {
    name: string;
    kind: 'positional' | 'positionalOnly' | 'keywordOnly' | 'varArgs' | 'varKwargs';
    hasDefault: boolean;
    /** The default value as read statically (`dynamic` when it is not a literal); absent without a default. */
    default?: PyValue;
    annotation?: string;
    range: Range;
}

/** A function decorated with `@app.remote(...)`. */
export interface RemoteFunction {
    name: string;
    isAsync: boolean;
    params: Param[];
    /** The decorator call (`@app.remote(...)`); `args` are its arguments. */
    decorator: MethodCall;
    /** `benchmark_dataset=` or `benchmark_generator=` when given and not `None`. */
    benchmark?: { kind: 'dataset' | 'generator'; arg: CallArg };
    /** The whole decorated definition, decorators included. */
    range: Range;
    nameRange: Range;
    /** The `def`/`async def` line up to the colon, for quick fixes that add `async`. */
    defRange: Range;
}

/** A class (or anything) decorated with `@app.context(...)`. */
export interface ContextClass {
    name: string;
    isClass: boolean;
    /** Method names defined in the class body (`__aenter__`, `__aexit__`...). */
    methods: string[];
    /** Base class names as written; a class with bases may inherit the methods, so rules stay quiet then. */
    bases: string[];
    decorator: MethodCall;
    range: Range;
    nameRange: Range;
}

/** A `get_context(X)` call (as `app.get_context(X)` or a bare imported `get_context(X)`). */
export interface ContextUse {
    /** The argument as written (`Model`), or undefined when it is not a plain name. */
    target?: string;
    range: Range;
}

/** `app.image(...)` and every call made on it, chained or later through the variable it was bound to. */
export interface ImageModel {
    /** The `app.image(...)` call itself: positional 0 is the image reference, then `storage=`, `docker_login_*`. */
    call: MethodCall;
    /** The variable the image was assigned to, if any. */
    variable?: string;
    /** Calls on the image in source order: `pip_install`, `apt_get`, `env`, `require`, `run_script`, `run_cmd`,
     * `copy`, `venv`, `use_system_python`, `publish_port` (and unknown methods, for `unknown-argument`). */
    calls: MethodCall[];
}

/** One `Deployment(...)` and everything the file does with it. */
export interface DeploymentModel {
    /** The variable the deployment is bound to (`app`). */
    variable: string;
    /** The `Deployment(...)` call expression; CodeLens goes on its line. */
    call: MethodCall;
    /** The whole statement `app = Deployment(...)`. */
    range: Range;
    /** Statically read `name=`/`tag=` keywords (undefined when absent; `dynamic` kind when not literal). */
    name?: PyValue;
    tag?: PyValue;
    /** Statements the reader cannot follow exactly (inside a loop, `try`, an `if` it cannot evaluate...): Deploy
     * refuses, naming the line and the reason. `reasonRange` is the loop/condition/call that makes it so. */
    unfollowable?: { message: string; range: Range; reasonRange: Range }[];
    /** `app.name = ...`, `app.tag = ...`, `app.version_label = ...` at module level after construction (last wins). */
    attributes?: Partial<Record<'name' | 'tag' | 'version_label', PyValue>>;
    remotes: RemoteFunction[];
    contexts: ContextClass[];
    contextUses: ContextUse[];
    /** Undefined when `app.image(...)` is never called. Several calls: the last one wins (as in the SDK). */
    image?: ImageModel;
    /** Earlier `app.image(...)` calls the winning one replaces: they still run, so Python can still raise in them. */
    replacedImages?: ImageModel[];
    /** Every `configure_autoscaling(...)` call, in order (the SDK merges them with `dict.update`). */
    autoscalingCalls: MethodCall[];
    /** Every `ensure_ready()` call on the deployment. */
    ensureReadyCalls: MethodCall[];
    /** Other method calls on the deployment (unknown ones included, for `unknown-argument`). */
    otherCalls: MethodCall[];
}

/** How the file reaches `Deployment` (for completions and rules). */
export interface ImportInfo {
    /** Local names bound to `vastai.Deployment` (`Deployment`, `D`). */
    deploymentNames: string[];
    /** Local names bound to the `vastai` module (`vastai`, `v`). */
    vastaiModules: string[];
    /** Local names bound to `vastai.data.query` (`q`). */
    queryModules: string[];
    /** Local name -> imported name from `vastai.data.query` (`gpu_name` -> `gpu_name`, `G` -> `RTX_4090`). */
    queryNames: Record<string, string>;
    /** Local names bound to `vastai`'s `get_context`, when imported bare. */
    getContextNames: string[];
}

/** Where an import of a `vastai.data.query` name goes (completion and quick fixes add one). */
export interface ImportSite {
    /** The first module-level `from vastai.data.query import a, b as c` (not `*`): its names as imported, and
     * whether they are in parentheses (only then may a name go on a line of its own). */
    queryImport?: { names: { name: string; range: Range }[]; parenthesized: boolean };
    /** The line (0-based) a new import statement goes on: after the last module-level import, else after the
     * module docstring or the comments that open the file. May equal the line count (append at the end). */
    newImportLine: number;
}

/** The result of analysing one Python file. Never throws; a file mid-edit yields what can be read. */
export interface FileAnalysis {
    deployments: DeploymentModel[];
    imports: ImportInfo;
    /** Where to add an import; absent when the file was not read (no `vastai` import, not analysed). */
    importSite?: ImportSite;
    /** True when the file mentions `vastai` at all (cheap filter for the workspace index). */
    mentionsVastai: boolean;
    /** Ranges of syntax errors tree-sitter recovered from (information only; rules do not report them). */
    syntaxErrors: Range[];
    /** `@x.remote` functions where `x` is imported from another module (`from app import app`): the workspace rule
     * `remote-in-multiple-files` matches them with the file that defines the deployment. */
    foreignRemotes: { variable: string; module: string; importedName: string; remote: RemoteFunction }[];
    /** `# vast: ignore[code, code]` comments: line -> codes (empty list = every code). */
    ignores: Record<number, string[]>;
    /** Set when the file was not analysed (too large, or over the time budget): why, in one sentence. */
    notAnalysed?: string;
    /** Environment variables the file reads, when analysed with an environment (CLI, Deploy); `value` undefined when
     * unset. Not set in the editor, where such reads stay dynamic. */
    envReads?: { name: string; value?: string; range: Range }[];
    /** `os.environ["X"]` reads that run when a worker imports the file (module level, outside `if __name__ ==
     * "__main__":`), in a file that defines a deployment. */
    importTimeEnvReads?: { name: string; range: Range }[];
}
