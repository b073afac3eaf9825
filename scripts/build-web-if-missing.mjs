// `npm start` serves the built portal; build it once when it is missing (or always with --force).
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const force = process.argv.includes('--force');
if (!existsSync('web/index.html')) process.exit(0);
if (force || !existsSync('web/dist/index.html')) {
  console.log('Building the portal (web/dist)...');
  execSync('npx vite build --config web/vite.config.ts --logLevel warn', { stdio: 'inherit' });
}
