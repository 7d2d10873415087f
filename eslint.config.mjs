import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/coverage',
      '**/.nx',
      '**/.cache',
      'libs/contracts/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts', '**/*.tsx'] })),
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          // Test-only cycles: a lib's own tests use the test helpers, which are built on that lib.
          ignoredCircularDependencies: [
            ['testing', 'db'],
            ['testing', 'kafka'],
            ['kafka', 'kafka-mock-broker'],
          ],
          // Apps never import apps (an app is not a lib). Test tooling is for spec files only (below).
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/*/src/**/*.ts', 'apps/*/src/**/*.tsx', 'libs/*/src/**/*.ts'],
    // The end-to-end app is test code through and through: its helpers drive the stack as its specs do.
    ignores: [
      '**/*.spec.ts',
      'apps/shop-e2e/**',
      'libs/testing/**',
      'libs/kafka-mock-broker/**',
      'libs/stack/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@shop/testing', '@shop/kafka-mock-broker'],
              message: 'Test tooling belongs in spec files.',
            },
          ],
        },
      ],
    },
  },
  {
    // A domain (use cases, rules, ports) reaches databases, brokers, spans and transports only through the
    // ports it declares, so that the same code runs in a service or in-process (ADR 0006). A later block
    // replaces a rule's options, so the test-tooling patterns of the block above are repeated here.
    files: ['libs/*-module/src/domain/**/*.ts', 'apps/*/src/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@shop/testing', '@shop/kafka-mock-broker'],
              message: 'Test tooling belongs in spec files.',
            },
            {
              group: [
                'pg',
                '@shop/db',
                'kafkajs',
                '@shop/kafka',
                '@opentelemetry/*',
                '@shop/telemetry',
                '@grpc/*',
                '@shop/grpc',
              ],
              message: 'A domain depends on ports, not drivers (ADR 0006)',
            },
          ],
        },
      ],
    },
  },
  {
    // The benchmarks and the repository's tools belong to no Nx project, so the module-boundary rule above
    // does not see them: they reach apps and libs only as any other caller does, through a lib's entry
    // point (`@shop/...`) or an app's public surface (its HTTP or gRPC API, its process).
    files: ['tools/**/*.{ts,mjs,cjs,js}', 'benchmarks/**/*.{ts,mjs,cjs,js}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)apps/[^/]+/src(/|$)',
              message: "An app's code is its own: share it through a lib under libs/ instead.",
            },
            {
              regex: '(^|/)libs/[^/]+/src(/|$)',
              message:
                "Import a lib through its entry point (`@shop/<lib>`, see tsconfig.base.json's paths).",
            },
          ],
        },
      ],
    },
  },
  {
    // The env contract check reads each app's config schema: the app's declared environment, which the
    // deployment files must match (the schema is what the app publishes about its configuration).
    files: ['tools/scripts/check-env-contract.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)apps/[^/]+/src/(?!config$)',
              message:
                "An app's code is its own: only its config schema (src/config.ts) is its env contract.",
            },
            {
              regex: '(^|/)libs/[^/]+/src(/|$)',
              message:
                "Import a lib through its entry point (`@shop/<lib>`, see tsconfig.base.json's paths).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    files: ['**/*.mjs'],
    // Node's globals that the scripts use (the tools' scripts are linted too).
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },
  prettier,
);
