/** `check <paths…>`: the editor's diagnostics for .py files (directories are searched), exit 1 on errors. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzePython, initPython } from '../../shared/python/analyze';
import { applySettings, checkFile, checkWorkspace, type PathKind, type Problem } from '../../shared/rules';
import { COMMON_HELP, emit, parse, UsageError, type Io } from '../common';

export const CHECK_HELP = `Usage: vast-deployments check <paths…> [--json]

Checks .py files (directories are searched, skipping hidden folders, node_modules and virtualenvs) with the same
rules as the editor. Prints file:line:col: severity code message; exits 1 when there is an error.

${COMMON_HELP}`;

const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'venv', 'site-packages']);

function collect(p: string, out: string[]): void {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`no such file or directory: ${p}`);
    if (st.isFile()) {
        out.push(p);
        return;
    }
    for (const name of fs.readdirSync(p).sort()) {
        const child = path.join(p, name);
        const cst = fs.statSync(child, { throwIfNoEntry: false });
        if (!cst) continue;
        if (cst.isDirectory()) {
            if (!name.startsWith('.') && !SKIP_DIRS.has(name)) collect(child, out);
        } else if (name.endsWith('.py')) out.push(child);
    }
}

function statPathFor(file: string) {
    return (p: string): PathKind => {
        const st = fs.statSync(path.resolve(path.dirname(file), p), { throwIfNoEntry: false });
        return !st ? 'missing' : st.isDirectory() ? 'dir' : 'file';
    };
}

function listFilesFor(file: string) {
    return (dir: string, limit: number): string[] => {
        const root = path.resolve(path.dirname(file), dir);
        const out: string[] = [];
        const walk = (d: string, rel: string) => {
            for (const name of fs.readdirSync(d).sort()) {
                if (out.length >= limit) return;
                const abs = path.join(d, name);
                const r = rel ? `${rel}/${name}` : name;
                const st = fs.lstatSync(abs);
                if (st.isDirectory()) walk(abs, r);
                else out.push(r);
            }
        };
        try {
            walk(root, '');
        } catch {
            // An unreadable directory is reported by the copy rules through statPath.
        }
        return out;
    };
}

export interface FileProblems {
    file: string;
    problems: Problem[];
}

/** Runs the rules over files; returns problems per file (sorted by position). */
export async function checkPaths(paths: string[], cwd: string): Promise<FileProblems[]> {
    const files: string[] = [];
    for (const p of paths) collect(path.resolve(cwd, p), files);
    await initPython();
    const analysed = files.map((f) => {
        const text = fs.readFileSync(f, 'utf8');
        return { file: f, uri: pathToFileURL(f).href, text, analysis: analyzePython(text) };
    });
    const cross = checkWorkspace(analysed.map((a) => ({ uri: a.uri, analysis: a.analysis, path: a.file })));
    return analysed.map((a) => {
        const own = checkFile(a.analysis, {
            uri: a.uri,
            path: a.file,
            relDir: path.relative(cwd, path.dirname(a.file)),
            text: a.text,
            statPath: statPathFor(a.file),
            listFiles: listFilesFor(a.file),
        });
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
    const results = await checkPaths(positionals, io.cwd);
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
