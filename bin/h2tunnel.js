#!/usr/bin/env node
import { main } from '../dist/esm/cli/main.js';

process.exit(await main(process.argv));
