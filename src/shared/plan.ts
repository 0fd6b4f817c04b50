/**
 * The deploy plan: which update tier a deploy will fire, and what changed (reference §3).
 *
 * The server decides (its code is not public); this compares the local PUT body with the deployed record the same
 * way the docs describe the tiers. Every wire mapping is marked inferred where the reference says so.
 */
import { AUTOSCALING_FIELDS } from './autoscaling';

/** 0 nothing changed, 1 autoscaling only, 2 code soft-update, 3 image/env hard-update, 4 new endpoint. */
export type Tier = 0 | 1 | 2 | 3 | 4;

/** The fields of the local PUT body the plan reads. */
export interface LocalState {
    name: string;
    tag: string;
    image: string;
    file_hash: string;
    search_params: string;
    env: string;
    storage?: number | null;
    ttl?: number | null;
    version_label?: string | null;
    docker_login_user?: string | null;
    docker_login_repo?: string | null;
    docker_login_pass?: string | null;
    [k: string]: unknown;
}

/** What the server reports for the deployment (GET show), plus the endpoint's autoscaling fields when known. */
export interface DeployedState {
    id: number;
    name: string;
    tag: string;
    image?: string;
    file_hash?: string;
    search_params?: string;
    env?: string;
    storage?: number;
    ttl?: number | null;
    [k: string]: unknown;
}

export interface PlanInput {
    local: LocalState;
    /** The record for the same (name, tag), if any. */
    deployed?: DeployedState;
    /** Other deployments with the same name (other tags), to tell "new tag" from "new deployment". */
    sameName?: DeployedState[];
    /** The endpoint row (`endptjobs`) with its autoscaling fields; undefined = cannot compare autoscaling. */
    endpoint?: Record<string, unknown>;
    /** Whether the file sets `Image.env()` values (they ride in the code's hash); undefined = not known. */
    imageEnv?: boolean;
}

export interface Change {
    field: string;
    old: unknown;
    new: unknown;
    /** The tier this change alone would fire. */
    tier: Tier;
}

export interface Plan {
    tier: Tier;
    /** Short label for UI: "nothing changed", "autoscaling only", ... */
    label: string;
    /** The `action` the server is expected to answer (`exists`, `autoscale_update`, `soft_update`, `created`; none
     * for a hard update, which has no action string). */
    expectedAction?: string;
    /** Upload expected (the server asks for the blob when the code changed or the deployment is new). */
    expectUpload: boolean;
    changes: Change[];
    /** Always true today: the server side is not public, so every tier→wire mapping is inferred (reference §3). */
    inferred: boolean;
    /** Caveats worth showing (e.g. autoscaling not comparable). */
    notes: string[];
    deploymentId?: number;
}

const LABELS: Record<Tier, string> = {
    0: 'nothing changed',
    1: 'autoscaling only',
    2: 'code soft-update',
    3: 'image/env hard-update',
    4: 'new endpoint',
};

const ACTIONS: Record<Tier, string | undefined> = {
    0: 'exists',
    1: 'autoscale_update',
    2: 'soft_update',
    3: undefined,
    4: 'created',
};

/** Equality on the wire: numbers by value (`30.0 == 30`), absent == null. */
function same(a: unknown, b: unknown): boolean {
    if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
    if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
    return a === b;
}

/** `env` with the `-p` tokens sorted: their order comes from a Python set and is not meaningful. */
export function normalizeEnv(env: string | undefined): string {
    const tokens = (env ?? '').trim().split(/\s+/).filter(Boolean);
    const ports: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
        if (tokens[i] === '-p' && i + 1 < tokens.length) ports.push(`-p ${tokens[++i]}`);
        else rest.push(tokens[i]!);
    }
    return [...ports.sort(), ...rest].join(' ');
}

/** Decides the tier. Pure. */
export function planDeploy(input: PlanInput): Plan {
    const { local, deployed } = input;
    if (!deployed) {
        const otherTags = (input.sameName ?? []).filter((d) => d.name === local.name && d.tag !== local.tag);
        const notes =
            otherTags.length > 0
                ? [
                      `"${local.name}" exists with tag(s) ${otherTags.map((d) => d.tag).join(', ')}; a new tag makes a separate endpoint and workers.`,
                  ]
                : [`No deployment named "${local.name}" yet.`];
        return {
            tier: 4,
            label: otherTags.length > 0 ? 'new tag: new endpoint' : 'new deployment',
            expectedAction: 'created',
            expectUpload: true,
            changes: [{ field: 'tag', old: otherTags[0]?.tag ?? null, new: local.tag, tier: 4 }],
            inferred: true,
            notes,
        };
    }
    const changes: Change[] = [];
    const cmp = (field: string, oldV: unknown, newV: unknown, tier: Tier) => {
        if (!same(oldV, newV)) changes.push({ field, old: oldV ?? null, new: newV ?? null, tier });
    };
    cmp('image', deployed.image, local.image, 3);
    if (normalizeEnv(deployed.env) !== normalizeEnv(local.env)) {
        changes.push({ field: 'env', old: deployed.env ?? null, new: local.env, tier: 3 });
    }
    cmp('search_params', deployed.search_params, local.search_params, 3);
    cmp('storage', deployed.storage, local.storage, 3);
    for (const f of ['docker_login_user', 'docker_login_repo', 'docker_login_pass'] as const) {
        // The server does not echo docker login fields; compare only when it does.
        if (f in deployed) cmp(f, deployed[f], local[f], 3);
    }
    cmp('file_hash', deployed.file_hash, local.file_hash, 2);
    const notes: string[] = [];
    if (input.endpoint) {
        for (const f of AUTOSCALING_FIELDS) {
            if (local[f] !== undefined && local[f] !== null) cmp(f, input.endpoint[f], local[f], 1);
        }
    } else if (AUTOSCALING_FIELDS.some((f) => local[f] !== undefined && local[f] !== null)) {
        notes.push('The endpoint settings could not be read, so autoscaling changes are not shown.');
    }
    cmp('ttl', deployed.ttl, local.ttl, 1);
    if ('version_label' in deployed) cmp('version_label', deployed.version_label, local.version_label, 1);
    const tier = changes.reduce<Tier>((t, c) => (c.tier > t ? c.tier : t), 0);
    if (changes.some((c) => c.field === 'file_hash') && input.imageEnv !== false) {
        notes.push(
            'Image.env() values live in config.json: the docs call an env change a hard update, but the server only sees a new file_hash (soft update).',
        );
    }
    if (tier === 3) notes.push('A hard update has no action string in the SDK; the server handles it (inferred).');
    return {
        tier,
        label: LABELS[tier],
        expectedAction: ACTIONS[tier],
        expectUpload: tier >= 2,
        changes,
        inferred: true,
        notes,
        deploymentId: deployed.id,
    };
}

/** One line per change, for the CLI (`--json` has the full values). */
export function describePlan(plan: Plan): string[] {
    const head = `Tier ${plan.tier}: ${plan.label}${plan.inferred ? ' (inferred)' : ''}`;
    const lines = plan.changes.map((c) =>
        c.old === null || c.old === undefined
            ? `  ${c.field}: ${shownValue(c.field, c.new)} (new)`
            : `  ${c.field}: ${shownValue(c.field, c.old)} -> ${shownValue(c.field, c.new)}`,
    );
    return [head, ...lines, ...plan.notes.map((n) => `  note: ${n}`)];
}

/** A hash is told apart by its first 12 digits, as git does; anything else as JSON. */
function shownValue(field: string, v: unknown): string {
    return field === 'file_hash' && typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)
        ? `${v.slice(0, 12)}…`
        : JSON.stringify(v);
}
