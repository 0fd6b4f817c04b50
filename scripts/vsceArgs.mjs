// The arguments of `vsce package` shared by `npm run package` and test/build/vsix.test.ts, so the test packs what
// the script packs. The extension's page shows docs/marketplace/README.md (for users); the repo's README.md is for
// developers. Its screenshots are relative to the extension's folder (media/screenshots/), which has no public
// repository to rewrite them against.
export const VSCE_PACKAGE_ARGS = [
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--readme-path',
    'docs/marketplace/README.md',
    '--no-rewrite-relative-links',
];
