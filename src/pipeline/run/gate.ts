/**
 * The refusal gate on disk: a deployment file is read as Python reads it, checked with the editor's rules against
 * the real file system, and every raw error-level finding (ignore comments and severity settings do not apply)
 * stops packaging. Used by the CLI's \`package\` and \`deploy\` and by the editor's Deploy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileAnalysis } from '../../shared/model';
import { analyzePython, initPython } from '../../shared/python/analyze';
import { compileErrors } from '../../shared/python/compileErrors';
import { checkFile, type FileRuleContext, type PathKind, type Problem } from '../../shared/rules';
import { packagingRefusals, refusalLines } from '../../shared/rules/gate';
import type { SourceBytesProblem } from '../../shared/rules/types';
import { readSourceFile } from './sourceFile';

/** The rules' context for a file on disk: copy sources and copied folders looked up beside it. */
export function diskRuleContext(
    file: string,
    text: string,
    sourceProblem?: SourceBytesProblem,
    cwd = path.dirname(file),
): FileRuleContext {
    const ctx: FileRuleContext = {
        uri: pathToFileURL(file).href,
        path: file,
        relDir: path.relative(cwd, path.dirname(file)),
        text,
        statPath: statPathFor(file),
        listFiles: listFilesFor(file),
    };
    if (sourceProblem) ctx.sourceProblem = sourceProblem;
    return ctx;
}

function statPathFor(file: string) {
    return (p: string): PathKind => {
        try {
            return fs.statSync(path.resolve(path.dirname(file), p)).isDirectory() ? 'dir' : 'file';
        } catch {
            // Missing, a link loop, unreadable: the copy rules report it as a missing source.
            return 'missing';
        }
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

/** Why a file must not be packaged: its raw error-level findings, with the analysis they came from. */
export interface FileRefusals {
    text: string;
    analysis: FileAnalysis;
    refusals: Problem[];
    /** `file:line:col: message [code]` per refusal, for messages. */
    lines: string[];
}

/** Reads and checks `file` (`label`: how messages name it); throws `SourceFileError` when it cannot be read. */
export async function fileRefusals(file: string, label = file): Promise<FileRefusals> {
    const source = readSourceFile(file);
    await initPython();
    const analysis = analyzePython(source.text);
    const raw = checkFile(analysis, diskRuleContext(file, source.text, source.problem));
    // Python refuses the whole file before it runs: the SDK deploys nothing, so neither do we.
    const compile = source.problem
        ? []
        : compileErrors(source.text).map((e): Problem => ({
              code: 'invalid-source',
              severity: 'error',
              message: `${e.message}: Python refuses the file before ensure_ready() runs, so the SDK deploys nothing`,
              range: e.range,
          }));
    const refusals = [...compile.slice(0, 1), ...packagingRefusals(raw)];
    return { text: source.text, analysis, refusals, lines: refusalLines(label, refusals, analysis.ignores) };
}
