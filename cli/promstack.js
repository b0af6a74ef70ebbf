#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly so that a fresh clone works after `npm ci`, with no build step:
// tsx's CommonJS hook compiles each .ts file on require (esbuild, cached in the OS temp folder).
require('tsx/cjs/api').register();
const { run } = require('./main.ts');

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`promstack: internal error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
  },
);
