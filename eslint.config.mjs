// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
    {
        ignores: [
            'node_modules/**',
            'dist/**',
            'out/**',
            '.cache/**',
            '.vscode-test/**',
            'test/fixtures/**',
            'examples/**',
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ['**/*.ts'],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            '@typescript-eslint/no-floating-promises': 'error',
            '@typescript-eslint/consistent-type-imports': 'error',
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            eqeqeq: ['error', 'smart'],
            curly: ['error', 'multi-line'],
        },
    },
    {
        // Boundaries: only the extension talks to VS Code; the language server must never write to stdout.
        files: ['src/shared/**', 'src/pipeline/**', 'src/cli/**', 'src/emulator/**', 'src/language-server/**'],
        rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
    },
    {
        files: ['src/shared/**'],
        rules: {
            'no-restricted-imports': [
                'error',
                { paths: ['vscode', 'vscode-languageclient', 'vscode-languageclient/node', 'undici'] },
            ],
        },
    },
    { files: ['src/language-server/**'], rules: { 'no-console': 'error' } },
    // Protocol messages follow vscode-languageserver's own `namespace X { method; type }` convention.
    { files: ['src/shared/protocol.ts'], rules: { '@typescript-eslint/no-namespace': 'off' } },
    {
        files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
        languageOptions: {
            globals: {
                process: 'readonly',
                console: 'readonly',
                require: 'readonly',
                module: 'writable',
                __dirname: 'readonly',
                setTimeout: 'readonly',
                clearTimeout: 'readonly',
                URL: 'readonly',
                Buffer: 'readonly',
                performance: 'readonly',
            },
        },
    },
);
