#!/usr/bin/env node
// `npm run bench`: Kabuto's throughput against the cost of one argon2id hash, and against better-auth.
// Runs the TypeScript sources through tsx's loader (the bench is a development tool: tsx is a dev dependency). The same entry starts the
// bench's own child processes (`--child bound|bare`), so every server runs in a process of one kind.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/main.ts');
process.exitCode = await main(process.argv.slice(2));
