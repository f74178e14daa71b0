#!/usr/bin/env node
// The installed `cipherpad-server` command. It exists before the TypeScript
// build, so npm can link it at install time; the program is in dist/.
import('../dist/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    process.stderr.write(
      'cipherpad-server: not built yet: run `npm run build` in the repository\n',
    );
    process.exit(1);
  }
  throw error;
});
