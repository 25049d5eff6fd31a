#!/usr/bin/env node
// Entry point of the `keyward` command: runs the compiled CLI (npm run build makes dist/).
import("../dist/cli/main.js").catch((error) => {
  if (error && error.code === "ERR_MODULE_NOT_FOUND") {
    process.stderr.write("keyward: dist/ is missing; run `npm run build` first.\n");
    process.exit(2);
  }
  throw error;
});
