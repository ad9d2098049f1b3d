#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader (a dependency, so a production
// install runs it too), so no build step stands between a clone and the command.
import { register } from 'tsx/esm/api';

// The SDK's ten-line notice that it will drop Node 20 in 2027 would bury the CLI's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli/main.ts');
