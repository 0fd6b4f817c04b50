/**
 * The `missing-benchmark` fix over decorator shapes (test/fixtures/quickfix/missing-benchmark/X.py, expected output
 * X.fixed.py; `UPDATE_GOLDEN=1` rewrites them): the output is the golden text, Python compiles it, the problem is
 * gone and no other appears, and the snippet form inserts the same text once its tab stops are filled.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { initPython } from '../../../src/shared/python/analyze';
import { compileErrors } from '../../../src/shared/python/compileErrors';
import { applyEdits, type Problem, type TextEdit } from '../../../src/shared/rules';
import { fixturesDir } from '../../helpers/paths';
import { problemsOf } from './harness';

const dir = path.join(fixturesDir, 'quickfix', 'missing-benchmark');
const inputs = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.py') && !f.endsWith('.fixed.py'))
    .sort();

/** A snippet's text with every tab stop given its default (`${1:"hello"}` -> `"hello"`, `$0` -> ``). */
function snippetAsText(snippet: string): string {
    let out = '';
    for (let i = 0; i < snippet.length; i++) {
        const c = snippet[i];
        if (c === '\\' && i + 1 < snippet.length) out += snippet[++i];
        else if (c === '$' && snippet[i + 1] === '{') {
            i = snippet.indexOf(':', i);
        } else if (c === '$' && /\d/.test(snippet[i + 1] ?? '')) {
            while (/\d/.test(snippet[i + 1] ?? '')) i++;
        } else if (c === '}') continue;
        else out += c;
    }
    return out;
}

function codes(problems: Problem[]): string[] {
    return problems.map((p) => p.code).sort();
}

void describe('missing-benchmark fix: formatted, valid, every decorator shape', () => {
    before(() => initPython());
    const outputs = new Map<string, string>();

    for (const name of inputs) {
        void test(name, () => {
            const file = path.join(dir, name);
            const text = fs.readFileSync(file, 'utf8');
            const problems = problemsOf(text, file);
            const fix = problems.find((p) => p.code === 'missing-benchmark')?.fixes?.[0];
            assert.ok(fix, 'a fix is offered');
            const fixed = applyEdits(text, fix.edits);
            const golden = path.join(dir, name.replace(/\.py$/, '.fixed.py'));
            if (process.env.UPDATE_GOLDEN) fs.writeFileSync(golden, fixed);
            assert.equal(fixed, fs.readFileSync(golden, 'utf8'));
            outputs.set(name, fixed);
            assert.deepEqual(compileErrors(fixed), []);
            const after = problemsOf(fixed, file);
            assert.deepEqual(
                codes(after),
                codes(problems).filter((c) => c !== 'missing-benchmark'),
                'the fix removes missing-benchmark and brings nothing new',
            );
            const snippets = fix.edits.filter((e): e is TextEdit & { snippet: string } => e.snippet !== undefined);
            assert.equal(snippets.length, 1, 'one edit is a snippet');
            for (const e of snippets) assert.equal(snippetAsText(e.snippet), e.newText);
            if (/"\w+": /.test(snippets[0]?.newText ?? '')) {
                assert.match(snippets[0]?.snippet ?? '', /\$\{1:/, 'the first sample is a tab stop');
            }
        });
    }

    void test('Python itself compiles every fixed file', () => {
        assert.equal(outputs.size, inputs.length, 'every fixture was fixed above');
        const script = 'import ast, json, sys\nfor t in json.load(sys.stdin): ast.parse(t)\nprint("ok")';
        const out = execFileSync('/usr/bin/python3', ['-c', script], {
            input: JSON.stringify([...outputs.values()]),
            encoding: 'utf8',
        });
        assert.equal(out.trim(), 'ok');
    });
});
