'use strict';
// The thread of `promstack diff --base` that renders the base commit while the main thread renders the
// working tree (base-render.ts). Plain JavaScript, registering tsx itself, as the launcher does.
require('tsx/cjs/api').register();
const { parentPort, workerData } = require('node:worker_threads');
const { renderBase } = require('./base-render.ts');

parentPort.postMessage(renderBase(workerData));
