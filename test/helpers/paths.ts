import * as path from 'node:path';

/** The repository root (tests run compiled from out/test/..., sources live in test/...). */
export const repoRoot = path.resolve(__dirname, '../../..');
/** ../shared beside the repository: reference docs and the SDK's golden compat vectors (read-only). */
export const sharedDir = path.resolve(repoRoot, '../shared');
/** The test fixtures in the source tree (not copied to out/). */
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
/** The SDK's compat cases. */
export const compatCasesDir = path.join(sharedDir, 'compat', 'cases');
