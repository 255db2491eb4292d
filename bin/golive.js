#!/usr/bin/env node
// The only place that ends the process: run main(), set the exit code, and turn Ctrl-C into 130
// and SIGTERM into 143, each with one line on stderr, after the commands' interrupt hooks (e.g. the
// rehearsal saving its state) and every cleanup (children stopped and awaited, temp files removed)
// have run. A second signal while that happens ends golive at once. A reader that goes away
// (`golive --help | head -1`) ends golive quietly with 141, the status git gives for SIGPIPE.
import module from 'node:module';

let stopping = false;
const stop = (code, word, hooks) => {
  if (stopping) process.exit(code);
  stopping = true;
  if (!hooks) process.exit(code);
  hooks(code).then(
    (exit) => {
      if (word && exit === code) process.stderr.write(`\ngolive: ${word}\n`);
      process.exit(exit);
    },
    () => process.exit(code),
  );
};

// Node reports a write to a closed pipe as an 'error' event on the stream; unhandled, it would
// print a stack trace. Nothing more can reach that reader, so golive stops as a signal would.
let interruptHooks;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e?.code === 'EPIPE' || e?.code === 'ERR_STREAM_DESTROYED') stop(141, undefined, interruptHooks);
    else throw e;
  });
}

const argv = process.argv.slice(2);
const load = async (file) => {
  try {
    return await import(file);
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('/dist/src/')) throw e;
    process.stderr.write('golive: this checkout is not built (dist/ is missing)\n  Run npm run build, then try again.\n');
    process.exit(2);
  }
};
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // The version needs none of the CLI: answered without loading (compiling) the bundle.
  const { VERSION } = await load('../dist/src/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  // Node 22.1+ keeps V8's compiled code for golive's one-file bundle (dist/src/golive-cli.js) in its
  // own cache directory, checked against the file's contents, so later runs skip most compiling.
  // Node 20 has no such cache and simply compiles.
  module.enableCompileCache?.();
  // A check whose config names plugins starts their sandbox thread now, so that it boots on the
  // other core while the CLI loads (dist/src/plugins/early.js).
  await import('../dist/src/plugins/early.js').then((m) => m.startEarly(argv, process.env)).catch(() => undefined);
  const { main, runInterruptHooks } = await load('../dist/src/golive-cli.js');
  interruptHooks = runInterruptHooks;
  process.on('SIGINT', () => stop(130, 'interrupted', runInterruptHooks));
  process.on('SIGTERM', () => stop(143, 'terminated', runInterruptHooks));

  process.exitCode = await main(argv);
}
