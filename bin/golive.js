#!/usr/bin/env node
// The only place that ends the process: run main(), set the exit code, and turn Ctrl-C into 130
// after the commands' interrupt hooks (e.g. the rehearsal saving its state) have run.
import { main, runInterruptHooks } from '../dist/src/cli/main.js';

process.once('SIGINT', () => {
  runInterruptHooks().then(
    (code) => {
      if (code === 130) process.stderr.write('\ngolive: interrupted\n');
      process.exit(code);
    },
    () => process.exit(130),
  );
});

process.exitCode = await main(process.argv.slice(2));
