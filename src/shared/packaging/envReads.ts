/**
 * The environment variables a deployment file read while being evaluated (the SDK reads them on the user's machine
 * at deploy time), as the Deploy plan lists them: values of secret-looking names masked.
 */

export interface EnvReadShown {
    name: string;
    /** The value, `"(unset)"`, or a mask for secret-looking names. */
    shown: string;
    secret: boolean;
}

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASS|PWD|CREDENTIAL|AUTH|PRIVATE|SESSION|COOKIE|SIGNATURE)/i;

/** True for names whose values must never be shown (`HF_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`...). */
export function looksSecretName(name: string): boolean {
    return SECRET_NAME.test(name);
}

export function showEnvReads(reads: readonly { name: string; value?: string }[]): EnvReadShown[] {
    return reads.map((r) => {
        const secret = looksSecretName(r.name);
        const shown = r.value === undefined ? '(unset)' : secret ? `•••• (${r.value.length} characters)` : r.value;
        return { name: r.name, shown, secret };
    });
}
