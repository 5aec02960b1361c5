#!/usr/bin/env node
'use strict'
// The `entrain` command. The CLI is bundled with the rest of main by `npm run build` (which
// `npm ci` runs through the prepare script), so it runs on plain Node without a TypeScript loader.
const fs = require('node:fs')
const path = require('node:path')

const cli = path.join(__dirname, '..', 'out', 'main', 'cli.js')
if (!fs.existsSync(cli)) {
  process.stderr.write('entrain: not built yet; run `npm run build` in ' + path.dirname(__dirname) + '\n')
  process.exit(1)
}
require(cli)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code
  })
