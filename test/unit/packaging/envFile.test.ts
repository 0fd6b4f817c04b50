/** The .env file Deploy reads (vastDeployments.envFile) and how the plan shows what a deployment read from it. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_ENV_FILE_BYTES, parseEnvFile } from '../../../src/shared/envFile';
import { envReadLines, showEnvReads } from '../../../src/shared/packaging';
import { deployEnvironment } from '../../../src/pipeline/run/envFile';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-envfile-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

void test('KEY=VALUE lines: export prefix, comments, quotes, escapes, multi-line values, last value wins', () => {
    const text = [
        '# a comment',
        '',
        'PLAIN=value',
        'export EXPORTED=yes',
        '  SPACED = padded value   ',
        'INLINE=abc # a comment',
        'HASH=abc#not-a-comment',
        "SINGLE='lit $HOME \\n # kept'",
        'DOUBLE="a\\nb\\t\\"q\\" \\\\ \\$x ${Y}" # comment',
        'EMPTY=',
        'EMPTY_QUOTED=""',
        'MULTI="line one',
        'line two"',
        'AFTER=1',
        'PLAIN=second',
        'WIN=crlf\r',
    ].join('\n');
    const { vars, problems } = parseEnvFile('\uFEFF' + text);
    assert.deepEqual(problems, []);
    assert.deepEqual(vars, {
        PLAIN: 'second',
        EXPORTED: 'yes',
        SPACED: 'padded value',
        INLINE: 'abc',
        HASH: 'abc#not-a-comment',
        SINGLE: 'lit $HOME \\n # kept',
        DOUBLE: 'a\nb\t"q" \\ $x ${Y}',
        EMPTY: '',
        EMPTY_QUOTED: '',
        MULTI: 'line one\nline two',
        AFTER: '1',
        WIN: 'crlf',
    });
});

void test('malformed lines are problems with their line number; the rest still parses', () => {
    const { vars, problems } = parseEnvFile(
        ['GOOD=1', 'no equals sign', '1BAD=x', 'Q="closed" trailing', 'export', 'ALSO=2'].join('\n'),
    );
    assert.deepEqual(vars, { GOOD: '1', ALSO: '2' });
    assert.deepEqual(problems, [
        { line: 2, message: 'expected KEY=VALUE' },
        { line: 3, message: '"1BAD" is not a variable name' },
        { line: 4, message: 'unexpected text after the quoted value of Q' },
        { line: 5, message: 'expected KEY=VALUE' },
    ]);
});

void test('an unclosed quote stops the parse with its line (nothing after it is guessed)', () => {
    const { vars, problems } = parseEnvFile('A=1\nB="open\nC=3\n');
    assert.deepEqual(vars, { A: '1' });
    assert.deepEqual(problems, [{ line: 2, message: 'the quoted value of B is never closed' }]);
});

void test('a name like __proto__ is an ordinary variable, not a prototype change', () => {
    const { vars } = parseEnvFile('__proto__=x\nconstructor=y\n');
    assert.equal(Object.getPrototypeOf(vars), Object.prototype);
    assert.equal(Object.prototype.hasOwnProperty.call(vars, '__proto__'), true);
    assert.equal(vars.constructor, 'y');
});

void test('deployEnvironment: the file overlays the process environment; without a file, the environment alone', () => {
    const file = path.join(dir, 'ok.env');
    fs.writeFileSync(file, 'MODE=from-file\nHF_TOKEN="s3cret"\n');
    const both = deployEnvironment({ MODE: 'from-host', HOME: '/h' }, file, '.env');
    assert.deepEqual(both, { env: { MODE: 'from-file', HOME: '/h', HF_TOKEN: 's3cret' }, problems: [] });
    assert.deepEqual(deployEnvironment({ A: '1' }), { env: { A: '1' }, problems: [] });
});

void test('deployEnvironment: missing, a folder, a FIFO, too large, not UTF-8, malformed: one-line problems', () => {
    const base = { A: '1' };
    const problemsOf = (file: string) => deployEnvironment(base, file, 'cfg/.env').problems;
    assert.deepEqual(problemsOf(path.join(dir, 'missing.env')), ['cfg/.env: no such file']);
    assert.deepEqual(problemsOf(dir), ['cfg/.env: is a folder']);
    const fifo = path.join(dir, 'fifo.env');
    execFileSync('mkfifo', [fifo]);
    assert.deepEqual(problemsOf(fifo), ['cfg/.env: is a named pipe (FIFO), not a regular file']);
    const big = path.join(dir, 'big.env');
    fs.writeFileSync(big, `A=${'x'.repeat(MAX_ENV_FILE_BYTES)}\n`);
    assert.match(problemsOf(big)[0] ?? '', /^cfg\/\.env: \d+ bytes, over the 256 KB limit$/);
    const latin1 = path.join(dir, 'latin1.env');
    fs.writeFileSync(latin1, Buffer.from('A=caf\xe9\n', 'latin1'));
    assert.deepEqual(problemsOf(latin1), ['cfg/.env: not UTF-8 text']);
    const bad = path.join(dir, 'bad.env');
    fs.writeFileSync(bad, 'OK=1\nnonsense\n');
    const r = deployEnvironment(base, bad, 'cfg/.env');
    assert.deepEqual(r.problems, ['cfg/.env:2: expected KEY=VALUE']);
    assert.equal(r.env.OK, '1', 'what parsed is still there');
});

void test('the plan lines: secret-looking names masked, unset named, odd values quoted, long ones cut', () => {
    const reads = showEnvReads([
        { name: 'MODE', value: 'fast' },
        { name: 'HF_TOKEN', value: 'hf_abcdef' },
        { name: 'DB_PASSWORD', value: 'pw' },
        { name: 'AWS_SECRET_ACCESS_KEY', value: 'k' },
        { name: 'OPENAI_API_KEY', value: 'sk-1' },
        { name: 'MISSING' },
        { name: 'LITERALLY', value: '(unset)' },
        { name: 'NEWLINE', value: 'a\nb' },
        { name: 'BLANK', value: '' },
        { name: 'LONG', value: 'y'.repeat(100) },
    ]);
    assert.deepEqual(envReadLines(reads, '.env'), [
        'Environment variables read (.env):',
        '\u2022 MODE = fast',
        '\u2022 HF_TOKEN = \u2022\u2022\u2022\u2022 (9 characters)',
        '\u2022 DB_PASSWORD = \u2022\u2022\u2022\u2022 (2 characters)',
        '\u2022 AWS_SECRET_ACCESS_KEY = \u2022\u2022\u2022\u2022 (1 character)',
        '\u2022 OPENAI_API_KEY = \u2022\u2022\u2022\u2022 (4 characters)',
        '\u2022 MISSING (unset)',
        '\u2022 LITERALLY = (unset)',
        '\u2022 NEWLINE = "a\\nb"',
        '\u2022 BLANK = ""',
        `\u2022 LONG = ${'y'.repeat(80)}\u2026 (100 characters)`,
    ]);
    for (const line of envReadLines(reads, 'x')) {
        for (const secret of ['hf_abcdef', 'sk-1']) assert.ok(!line.includes(secret), line);
    }
    assert.deepEqual(envReadLines([], '.env'), [], 'nothing read, no heading');
});
