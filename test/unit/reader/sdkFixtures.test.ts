/**
 * Exact or refused, proven against the official SDK: every file in test/fixtures/reader runs through `sdk.py capture`
 * and through our reader. Either both send the same PUT body, config.json and hash, or we refuse. Header comments:
 *   `# expect: refused: TEXT`  the SDK accepts the file but we must refuse it, with TEXT in the message;
 *   `# env: NAME=VALUE`        set in the environment of both sides (the SDK reads os.environ at deploy time).
 * Without `expect`, a file the SDK refuses must be refused by us too, and a file it accepts must match exactly.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { initPython } from '../../../src/shared/python/analyze';
import { fixturesDir } from '../../helpers/paths';
import { captureSdk, comparable, ours, writeCase } from './sdkCapture';

const dir = path.join(fixturesDir, 'reader');
const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort();
const temps: string[] = [];
before(() => initPython());
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function header(bytes: Buffer): { refused?: string; env: Record<string, string> } {
    const env: Record<string, string> = {};
    let refused: string | undefined;
    for (const line of bytes.toString('latin1').split('\n').slice(0, 5)) {
        const m = /^# expect: refused: (.+)$/.exec(line);
        if (m) refused = m[1];
        const e = /^# env: ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (e) env[e[1] as string] = e[2] as string;
    }
    return { refused, env };
}

void test('there are SDK-compared reader fixtures', () => assert.ok(files.length >= 29, String(files.length)));

void describe('reader fixtures against the SDK', () => {
    for (const name of files) {
        void test(name, async () => {
            const bytes = fs.readFileSync(path.join(dir, name));
            const h = header(bytes);
            const caseDir = writeCase({ 'app.py': bytes });
            temps.push(caseDir);
            const cleanEnv = { ...process.env };
            for (const k of Object.keys(cleanEnv)) if (k.startsWith('VAST_TEST_')) delete cleanEnv[k];
            const env = { ...cleanEnv, ...h.env };
            const [sdk, we] = await Promise.all([captureSdk(caseDir, env), ours(caseDir, env)]);
            if (sdk.error !== null || h.refused !== undefined) {
                assert.equal(
                    we.ok,
                    false,
                    `we must refuse (SDK: ${sdk.error ?? 'accepted'}); we sent ${JSON.stringify(we)}`,
                );
                if (h.refused !== undefined && !we.ok) {
                    const text = we.errors.map((e) => e.message).join('\n');
                    assert.ok(text.includes(h.refused), `refusal names the reason "${h.refused}": ${text}`);
                }
                if (!we.ok) assert.ok(we.errors.length > 0, 'a refusal says why');
                return;
            }
            assert.ok(we.ok, `SDK accepts; we refused: ${JSON.stringify(!we.ok && we.errors)}`);
            assert.ok(sdk.put);
            assert.deepEqual(comparable(we.put), comparable(sdk.put), 'PUT body');
            assert.equal(we.config, sdk.config, 'config.json');
        });
    }
});
