#!/usr/bin/env node
// The installed command: runs the built CLI (npm run build makes out/main/cli.js).
process.env.MAIL_SETUP_CLI_MAIN = '1'
await import('../out/main/cli.js')
