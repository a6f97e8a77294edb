#!/usr/bin/env node
// The `immich-family-worker` command: a committed file, so the bin exists before the first build.
import "../dist/main.js";
