/** `check <paths…>`: the editor's diagnostics for .py files (directories are searched), exit 1 on errors. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzePython, initPython } from '../../shared/python/analyze';
import { applySettings, checkFile, checkWorkspace, type Problem } from '../../shared/rules';
import { diskRuleContext } from '../../pipeline/run/gate';
import { fileErrorReason, kindOf, readSourceFile, type SourceFile } from '../../pipeline/run/sourceFile';
import { COMMON_HELP, emit, parse, UsageError, type Io } from '../common';

export const CHECK_HELP = `Usage: vast-deployments check <paths…> [--json]

Checks .py files (directories are searched, skipping hidden folders, node_modules and virtualenvs) with the same
rules as the editor. Prints file:line:col: severity code message; exits 1 when there is an error.

${COMMON_HELP}`;

const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'venv', 'site-packages']);

/**
 * The .py files under `p` (or `p` itself), the way the language server walks a workspace: symlinked folders are not
 * followed (so a link loop is never entered), a `.py` link is followed only to a regular file, and anything that is
 * not a regular file (FIFO, socket, device, a link loop) is skipped with a note instead of being opened.
 */
function collect(p: string, out: string[], note: (m: string) => void): void {
    let st: fs.Stats;
    try {
        st = fs.statSync(p);
    } catch (err) {
        throw new UsageError(fileErrorReason(p, err));
    }
    if (!st.isDirectory()) {
        if (!st.isFile()) throw new UsageError(`${p}: is ${kindOf(st)}, not a regular file`);
        out.push(p);
        return;
    }
    const dirs = [p];
    while (dirs.length > 0) {
        const dir = dirs.pop() as string;
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch (err) {
            note(`skipped ${fileErrorReason(dir, err)}`);
            continue;
        }
        const sub: string[] = [];
        for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
            const child = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (!e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) sub.push(child);
                continue;
            }
            if (!e.name.endsWith('.py') || !(e.isFile() || e.isSymbolicLink())) continue;
            if (e.isSymbolicLink()) {
                let target: fs.Stats;
                try {
                    target = fs.statSync(child);
                } catch (err) {
                    note(`skipped ${fileErrorReason(child, err)}`);
                    continue;
                }
                if (!target.isFile()) continue;
            }
            out.push(child);
        }
        // Depth first, in name order, as before.
        for (let i = sub.length - 1; i >= 0; i--) dirs.push(sub[i] as string);
    }
}

export interface FileProblems {
    file: string;
    problems: Problem[];
}

/** Runs the rules over files; returns problems per file (sorted by position). */
export async function checkPaths(
    paths: string[],
    cwd: string,
    note: (m: string) => void = () => undefined,
): Promise<FileProblems[]> {
    const files: string[] = [];
    for (const p of paths) collect(path.resolve(cwd, p), files, note);
    await initPython();
    const analysed = files.flatMap((f) => {
        let source: SourceFile;
        try {
            source = readSourceFile(f);
        } catch (err) {
            // Replaced or removed since the walk: say so and go on with the others.
            note(`skipped ${(err as Error).message}`);
            return [];
        }
        const { text, problem } = source;
        return [{ file: f, uri: pathToFileURL(f).href, text, problem, analysis: analyzePython(text) }];
    });
    const cross = checkWorkspace(analysed.map((a) => ({ uri: a.uri, analysis: a.analysis, path: a.file })));
    return analysed.map((a) => {
        const own = checkFile(a.analysis, diskRuleContext(a.file, a.text, a.problem, cwd));
        const all = [...own, ...(cross.get(a.uri) ?? [])].sort(
            (x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character,
        );
        return { file: path.relative(cwd, a.file) || a.file, problems: applySettings(all, {}, a.analysis.ignores) };
    });
}

export async function runCheck(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parse(argv, {});
    if (values.help) {
        io.out(CHECK_HELP);
        return 0;
    }
    if (positionals.length === 0) throw new UsageError('check needs at least one path');
    const results = await checkPaths(positionals, io.cwd, (m) => io.err(`note: ${m}`));
    const errors = results.reduce((n, r) => n + r.problems.filter((p) => p.severity === 'error').length, 0);
    const json = results.flatMap((r) =>
        r.problems.map((p) => ({
            file: r.file,
            line: p.range.start.line + 1,
            column: p.range.start.character + 1,
            severity: p.severity,
            code: p.code,
            message: p.message,
        })),
    );
    emit(io, values, { files: results.length, errors, problems: json }, () =>
        json.map((p) => `${p.file}:${p.line}:${p.column}: ${p.severity} ${p.code} ${p.message}`),
    );
    if (!values.json) io.err(`${results.length} file(s) checked, ${json.length} problem(s), ${errors} error(s)`);
    return errors > 0 ? 1 : 0;
}
