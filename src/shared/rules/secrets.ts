/**
 * What counts as a secret in a copied path (`secret-in-package`). The tarball goes to Vast's storage and every worker,
 * so these should reach workers through env vars or a secret store instead.
 */

/** Exact file names. */
const SECRET_NAMES = new Set([
    '.netrc',
    '_netrc',
    '.npmrc',
    '.pypirc',
    '.git-credentials',
    '.vast_api_key',
    'vast_api_key',
    'id_rsa',
    'id_dsa',
    'id_ecdsa',
    'id_ed25519',
    'credentials.json',
]);

/** Extensions of key and certificate stores. */
const SECRET_EXTENSIONS = ['.pem', '.key', '.p12', '.pfx'];

/** Path endings (credentials that are only secret in their home folder). */
const SECRET_SUFFIXES = ['.aws/credentials', '.docker/config.json', '.kube/config'];

/** `.env.example`-style templates are meant to be shared. */
const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist|defaults)$/i;

/** The reason `p` (a `/`-separated path) looks like a secret, or undefined. */
export function secretReason(p: string): string | undefined {
    const norm = p.replace(/\\/g, '/').replace(/\/+$/, '');
    const base = norm.split('/').pop() ?? norm;
    const lower = base.toLowerCase();
    if (lower === '.env' || (lower.startsWith('.env.') && !ENV_TEMPLATE.test(lower))) {
        return `an environment file (${base})`;
    }
    if (SECRET_NAMES.has(lower)) return lower.startsWith('id_') ? 'a private SSH key' : `a credentials file (${base})`;
    const ext = SECRET_EXTENSIONS.find((e) => lower.endsWith(e));
    if (ext) return `a key or certificate file (*${ext})`;
    const suffix = SECRET_SUFFIXES.find((s) => norm === s || norm.endsWith(`/${s}`));
    if (suffix) return `a credentials file (${suffix})`;
    return undefined;
}

/** How many files of a copied directory are looked at, at most. */
export const SECRET_SCAN_LIMIT = 2000;
