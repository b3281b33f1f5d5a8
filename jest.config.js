// Unit specs sit beside the code (src, *.spec.ts); e2e specs in test/ (*.e2e-spec.ts) boot real app pieces.
// Type errors are caught once by `tsc --noEmit` in `npm test`; jest only transpiles (isolatedModules in tsconfig).
const tsJest = ['ts-jest', { diagnostics: false }];

module.exports = {
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  // e2e tests boot the app against real services; a project-level testTimeout would be ignored.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
  ],
};
