import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
    autoscalerUrlFor,
    findApiKey,
    MissingApiKeyError,
    redact,
    requireApiKey,
    VastClient,
} from '../../src/pipeline/api';
import { backoffMs, parseRetryAfter } from '../../src/pipeline/api/http';

function home(files: Record<string, string> = {}): string {
    const h = fs.mkdtempSync(path.join(os.tmpdir(), 'vd-auth-'));
    for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(h, rel)), { recursive: true });
        fs.writeFileSync(path.join(h, rel), text);
    }
    return h;
}

void describe('API key lookup (SDK order)', () => {
    void test('explicit > VAST_API_KEY > XDG file > ~/.config fallback > ~/.vast_api_key', () => {
        const h = home({
            'xdg/vastai/vast_api_key': 'k-xdg\n',
            '.config/vastai/vast_api_key': 'k-config',
            '.vast_api_key': 'k-legacy',
        });
        const xdgEnv = { XDG_CONFIG_HOME: path.join(h, 'xdg') };
        assert.equal(findApiKey('k-explicit', { env: { VAST_API_KEY: 'k-env' }, homeDir: h })?.key, 'k-explicit');
        assert.equal(
            findApiKey(undefined, { env: { VAST_API_KEY: 'k-env', ...xdgEnv }, homeDir: h })?.source,
            'VAST_API_KEY',
        );
        assert.deepEqual(findApiKey(undefined, { env: xdgEnv, homeDir: h }), {
            key: 'k-xdg',
            source: path.join(h, 'xdg/vastai/vast_api_key'),
        });
        assert.equal(findApiKey(undefined, { env: {}, homeDir: h })?.key, 'k-config');
        assert.equal(
            findApiKey(undefined, { env: {}, homeDir: home({ '.vast_api_key': ' k-legacy \n' }) })?.key,
            'k-legacy',
        );
        assert.equal(
            findApiKey(undefined, { env: { VAST_API_KEY: '' }, homeDir: home({ '.vast_api_key': '\n' }) }),
            undefined,
        );
    });

    void test('none: the SDK RuntimeError text with the XDG path', () => {
        const h = home();
        assert.throws(
            () => requireApiKey(undefined, { env: { XDG_CONFIG_HOME: '/x/cfg' }, homeDir: h }),
            (e: unknown) => {
                assert.ok(e instanceof MissingApiKeyError);
                assert.equal(
                    e.message,
                    'No API key found. Pass api_key=, set VAST_API_KEY, or save your key to /x/cfg/vastai/vast_api_key',
                );
                return true;
            },
        );
    });
});

void describe('URLs, backoff, redaction', () => {
    void test('autoscaler URL per instance; explicit wins', () => {
        assert.equal(autoscalerUrlFor(undefined), 'https://run.vast.ai');
        assert.equal(autoscalerUrlFor('alpha'), 'https://run-alpha.vast.ai');
        assert.equal(autoscalerUrlFor('candidate'), 'https://run-candidate.vast.ai');
        assert.equal(autoscalerUrlFor('local'), 'http://localhost:8080');
        assert.equal(autoscalerUrlFor('weird'), 'https://run.vast.ai');
        // The URL given is what workers get in REPORT_ADDR, as the SDK passes it; the client trims it for requests.
        assert.equal(autoscalerUrlFor('alpha', 'http://127.0.0.1:9/'), 'http://127.0.0.1:9/');
        const a = new VastClient({ apiKey: 'k', autoscalerInstance: 'alpha', autoscalerUrl: 'http://127.0.0.1:9/' });
        assert.equal(a.autoscalerUrl, 'http://127.0.0.1:9');
        const c = new VastClient({ apiKey: 'k', webserverUrl: 'http://127.0.0.1:1/' });
        assert.equal(c.webserverUrl, 'http://127.0.0.1:1');
        assert.equal(new VastClient({ apiKey: 'k' }).webserverUrl, 'https://console.vast.ai');
    });

    void test('backoff is min(2**attempt + U(0,1), 5) s', () => {
        assert.equal(
            backoffMs(1, () => 0),
            2000,
        );
        assert.equal(
            backoffMs(1, () => 0.999),
            2999,
        );
        assert.equal(
            backoffMs(2, () => 0.5),
            4500,
        );
        assert.equal(
            backoffMs(3, () => 0),
            5000,
        );
    });

    void test('Retry-After as seconds or an HTTP date', () => {
        assert.equal(parseRetryAfter('7'), 7000);
        assert.equal(parseRetryAfter(['1.5']), 1500);
        assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
        assert.equal(parseRetryAfter('soon'), undefined);
        assert.equal(parseRetryAfter(undefined), undefined);
    });

    void test('redact: query values, Bearer tokens, JSON api_key, literal secrets', () => {
        const key = 'abcdef123456';
        assert.equal(redact(`GET /x?a=1&api_key=${key}&b=2`), 'GET /x?a=1&api_key=***&b=2');
        assert.equal(redact(`url?api_key=${key}:\nbody`), 'url?api_key=***:\nbody');
        assert.equal(redact(`Authorization: Bearer ${key}`), 'Authorization: Bearer ***');
        assert.equal(redact(`{"api_key": "${key}", "x": 1}`), '{"api_key": "***", "x": 1}');
        assert.equal(redact(`the key ${key} leaked`, [key]), 'the key *** leaked');
        assert.equal(redact('Pass api_key=, set VAST_API_KEY'), 'Pass api_key=, set VAST_API_KEY');
    });
});
