/**
 * The rules never throw, whatever the analysis makes of a file mid-edit: every fixture and compat case, truncated
 * and with random deletions (seeded, so failures reproduce), goes through every rule and every fix.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { analyzePython, initPython } from '../../../src/shared/python/analyze';
import { applyEdits, applySettings, checkFile, checkWorkspace } from '../../../src/shared/rules';
import { compatCasesDir, fixturesDir } from '../../helpers/paths';
import { fsContext } from './harness';

void before(async () => {
    await initPython();
});

function pyFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? pyFiles(p) : e.name.endsWith('.py') ? [p] : [];
    });
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
    let a = seed;
    return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function mutations(text: string, seed: number): string[] {
    const rand = rng(seed);
    const out: string[] = [];
    for (let i = 1; i <= 4; i++) out.push(text.slice(0, Math.floor((text.length * i) / 5)));
    for (let i = 0; i < 4; i++) {
        let t = text;
        for (let k = 0; k < 3; k++) {
            const at = Math.floor(rand() * t.length);
            t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rand() * 12));
        }
        out.push(t);
    }
    return out;
}

void test('rules survive truncated and damaged files', () => {
    const files = [...pyFiles(path.join(fixturesDir, 'rules')), ...pyFiles(compatCasesDir)];
    assert.ok(files.length > 40);
    let checked = 0;
    files.forEach((file, n) => {
        const original = fs.readFileSync(file, 'utf8');
        const variants = mutations(original, n + 1).map((text) => ({ text, analysis: analyzePython(text) }));
        assert.doesNotThrow(() =>
            checkWorkspace(
                variants.map((v, i) => ({ uri: `file:///v${i}.py`, path: `/v${i}.py`, analysis: v.analysis })),
            ),
        );
        for (const v of variants) {
            const problems = checkFile(v.analysis, fsContext(file, v.text));
            applySettings(problems, {}, v.analysis.ignores);
            for (const fix of problems.flatMap((p) => p.fixes ?? [])) {
                const fixed = applyEdits(v.text, fix.edits);
                checkFile(analyzePython(fixed), fsContext(file, fixed));
            }
            checked++;
        }
    });
    assert.equal(checked, files.length * 8);
});
