#!/usr/bin/env node
// The only place that ends the process: run main(), set the exit code, and turn Ctrl-C into 130
// and SIGTERM into 143, each with one line on stderr, after the commands' interrupt hooks (e.g. the
// rehearsal saving its state) and every cleanup (children stopped and awaited, temp files removed)
// have run. A second signal while that happens ends golive at once.
import module from 'node:module';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // The version needs none of the CLI: answered without loading (compiling) the bundle.
  const { VERSION } = await import('../dist/src/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  // Node 22.1+ keeps V8's compiled code for golive's one-file bundle (dist/src/golive-cli.js) in its
  // own cache directory, checked against the file's contents, so later runs skip most compiling.
  // Node 20 has no such cache and simply compiles.
  module.enableCompileCache?.();
  const { main, runInterruptHooks } = await import('../dist/src/golive-cli.js');

  let stopping = false;
  const onSignal = (code, word) => {
    if (stopping) process.exit(code);
    stopping = true;
    runInterruptHooks(code).then(
      (exit) => {
        if (exit === code) process.stderr.write(`\ngolive: ${word}\n`);
        process.exit(exit);
      },
      () => process.exit(code),
    );
  };
  process.on('SIGINT', () => onSignal(130, 'interrupted'));
  process.on('SIGTERM', () => onSignal(143, 'terminated'));

  process.exitCode = await main(argv);
}
