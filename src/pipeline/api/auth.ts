/** API key lookup in the SDK's order (`vastai/_base.py`). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MissingApiKeyError } from './errors';

export interface KeySource {
    key: string;
    /** Where it came from: `explicit`, `VAST_API_KEY`, or the file path. */
    source: string;
}

export interface KeyLookupEnv {
    env?: NodeJS.ProcessEnv;
    homeDir?: string;
}

/** `$XDG_CONFIG_HOME/vastai/vast_api_key`, falling back to `~/.config/vastai/vast_api_key`. */
export function xdgKeyPath(opts: KeyLookupEnv = {}): string {
    const env = opts.env ?? process.env;
    const home = opts.homeDir ?? os.homedir();
    const base = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : path.join(home, '.config');
    return path.join(base, 'vastai', 'vast_api_key');
}

function readKeyFile(p: string): string | undefined {
    try {
        const text = fs.readFileSync(p, 'utf8').trim();
        return text === '' ? undefined : text;
    } catch {
        return undefined;
    }
}

/**
 * Finds the API key: explicit → `$VAST_API_KEY` → the XDG key file → `~/.vast_api_key`.
 * Returns undefined when there is none (use {@link requireApiKey} for the SDK's error).
 */
export function findApiKey(explicit?: string, opts: KeyLookupEnv = {}): KeySource | undefined {
    if (explicit) return { key: explicit, source: 'explicit' };
    const env = opts.env ?? process.env;
    if (env.VAST_API_KEY) return { key: env.VAST_API_KEY, source: 'VAST_API_KEY' };
    const xdg = xdgKeyPath(opts);
    const fromXdg = readKeyFile(xdg);
    if (fromXdg) return { key: fromXdg, source: xdg };
    const legacy = path.join(opts.homeDir ?? os.homedir(), '.vast_api_key');
    const fromLegacy = readKeyFile(legacy);
    if (fromLegacy) return { key: fromLegacy, source: legacy };
    return undefined;
}

/** Like {@link findApiKey}, but throws the SDK's `No API key found...` error when there is none. */
export function requireApiKey(explicit?: string, opts: KeyLookupEnv = {}): KeySource {
    const found = findApiKey(explicit, opts);
    if (!found) throw new MissingApiKeyError(xdgKeyPath(opts));
    return found;
}
