#!/usr/bin/env node
// The `kabuto` command: the compiled JavaScript in dist/, or the sources while dist/ is missing or out
// of date (see entry.mjs).
import { loadMain } from './entry.mjs';

const main = await loadMain();
process.exitCode = await main(process.argv.slice(2));
