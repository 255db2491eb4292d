#!/usr/bin/env node
// The only place that ends the process: run main(), set the exit code.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
