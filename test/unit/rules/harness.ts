/** Shared helpers of the rules tests: analyse fixture files or folders and run every rule over them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzePython } from '../../../src/shared/python/analyze';
import type { FileAnalysis } from '../../../src/shared/model';
import { checkFile, checkWorkspace, type FileRuleContext, type Problem } from '../../../src/shared/rules';

/** One analysed fixture file. */
export interface LoadedFile {
    path: string;
    uri: string;
    text: string;
    analysis: FileAnalysis;
}

/** The real file system behind `statPath`/`listFiles`, relative to the Python file's folder. */
export function fsContext(filePath: string, text: string): FileRuleContext {
    const dir = path.dirname(filePath);
    return {
        uri: pathToFileURL(filePath).href,
        path: filePath,
        relDir: '',
        text,
        statPath: (p) => {
            const st = fs.statSync(path.resolve(dir, p), { throwIfNoEntry: false });
            return st ? (st.isDirectory() ? 'dir' : 'file') : 'missing';
        },
        listFiles: (d, limit) => {
            const out: string[] = [];
            const walk = (abs: string, rel: string) => {
                for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
                    if (out.length >= limit) return;
                    const r = rel ? `${rel}/${e.name}` : e.name;
                    if (e.isDirectory()) walk(path.join(abs, e.name), r);
                    else out.push(r);
                }
            };
            walk(path.resolve(dir, d), '');
            return out;
        },
    };
}

/** Analyses a file, or every `.py` file of a folder (a small workspace). */
export function load(fileOrDir: string): LoadedFile[] {
    const files = fs.statSync(fileOrDir).isDirectory()
        ? fs
              .readdirSync(fileOrDir)
              .filter((f) => f.endsWith('.py'))
              .sort()
              .map((f) => path.join(fileOrDir, f))
        : [fileOrDir];
    return files.map((p) => {
        const text = fs.readFileSync(p, 'utf8');
        return { path: p, uri: pathToFileURL(p).href, text, analysis: analyzePython(text) };
    });
}

/** Every problem of every file: `checkFile` plus `checkWorkspace`, keyed by path. */
export function runRules(files: LoadedFile[]): Map<string, Problem[]> {
    const ws = checkWorkspace(files.map((f) => ({ uri: f.uri, analysis: f.analysis, path: f.path })));
    const result = new Map<string, Problem[]>();
    for (const f of files) {
        result.set(f.path, [...checkFile(f.analysis, fsContext(f.path, f.text)), ...(ws.get(f.uri) ?? [])]);
    }
    return result;
}

/** Problems of one text analysed alone (as a file at `filePath`). */
export function problemsOf(text: string, filePath: string): Problem[] {
    const analysis = analyzePython(text);
    return checkFile(analysis, fsContext(filePath, text));
}

/** The `# expect: code code` markers of a text: one `line` entry per mention of `code`. */
export function expectedLines(text: string, code: string): number[] {
    const lines: number[] = [];
    text.split('\n').forEach((line, i) => {
        const m = /#\s*expect:\s*([\w\s-]+?)\s*$/.exec(line);
        for (const c of m?.[1]?.split(/\s+/) ?? []) if (c === code) lines.push(i);
    });
    return lines;
}

/** Codes a quiet fixture may raise besides none (`# allow: code code` anywhere in the file). */
export function allowedCodes(text: string): string[] {
    return [...text.matchAll(/#\s*allow:\s*([\w\s-]+?)\s*$/gm)].flatMap((m) => m[1]?.split(/\s+/) ?? []);
}
