// @ts-check
const js = require('@eslint/js')
const globals = require('globals')
const tseslint = require('typescript-eslint')
const vue = require('eslint-plugin-vue')

module.exports = tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      // The renderer reaches main only through the contract.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', 'node:*', 'electron'], message: 'the renderer talks to main through the contract only' }] },
      ],
    },
  },
  {
    files: ['src/main/**', 'src/cli/**', 'src/trainer/**', 'src/shared/**'],
    ignores: ['src/main/index.ts', 'src/main/ipc.ts', 'src/main/windows.ts', 'src/main/trainer-process.ts'],
    rules: {
      // Services run in the CLI and the test host too: only the Electron shell may load electron.
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', allowTypeImports: true, message: 'only the Electron shell imports electron' }] }],
    },
  },
  {
    files: ['bin/**', 'scripts/**', '*.config.js', 'eslint.config.js'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
)
