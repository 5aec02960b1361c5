#!/usr/bin/env node
'use strict'
// Puts a liblsl runtime into resources/liblsl/ at install time (`npm ci` runs this through the
// prepare script). liblsl is not in Debian or on npm as a library of its own; the node-lsl@0.1.0
// package on the npm registry carries prebuilt liblsl 1.12 binaries. Only the library file is taken
// (node-lsl's own dependencies do not build), and it is checked against pinned SHA-256 sums.
// A user-installed liblsl is preferred at run time; this copy is the fallback. Failure here is a
// warning, not an error: Entrain runs without LSL and `entrain doctor` says what to install.
const { execFileSync } = require('node:child_process')
const { createHash } = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const zlib = require('node:zlib')

const source = 'node-lsl@0.1.0'
const pinned = {
  linux: { member: 'package/prebuilt/liblsl64.so', sha256: '13f1ba640400ceca418737417cbee832f884a7aa061a7caee236ea9895f32f6a' },
  darwin: { member: 'package/prebuilt/liblsl64.dylib', sha256: 'a6d7677e9dce6355200b0e5ce8b5eaaf6b1589953cb25ac71aee0a6aec229ddb' },
  win32: { member: 'package/prebuilt/liblsl64.dll', sha256: '34701e6a65e8370e05c344dc84e9a3a73a9d6bf75219bee55726874457f50b2e' },
}
const target = path.join(__dirname, '..', 'resources', 'liblsl')

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex')

/** The members of a (gunzipped) tar archive that `wanted` selects, by name. */
function untar(archive, wanted) {
  const found = {}
  for (let offset = 0; offset + 512 <= archive.length; ) {
    const header = archive.subarray(offset, offset + 512)
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '')
    if (!name) break
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8)
    if (wanted(name)) found[name] = archive.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
  }
  return found
}

function main() {
  const entry = pinned[process.platform]
  if (!entry || process.arch !== 'x64') {
    console.warn(`liblsl: no bundled runtime for ${process.platform}-${process.arch}; install liblsl and set ENTRAIN_LSL_LIB`)
    return
  }
  const libraryFile = path.join(target, path.basename(entry.member))
  if (fs.existsSync(libraryFile) && sha256(fs.readFileSync(libraryFile)) === entry.sha256) return

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'entrain-liblsl-'))
  try {
    const npm = process.env.npm_execpath
    const [command, args] = npm ? [process.execPath, [npm]] : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []]
    const packed = JSON.parse(
      execFileSync(command, [...args, 'pack', source, '--json', '--pack-destination', work], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    )
    const archive = zlib.gunzipSync(fs.readFileSync(path.join(work, packed[0].filename)))
    const members = untar(archive, (name) => name === entry.member || name === 'package/prebuilt/LICENSE' || name === 'package/prebuilt/VERSION.txt')
    const library = members[entry.member]
    if (!library) throw new Error(`${source} has no ${entry.member}`)
    if (sha256(library) !== entry.sha256) throw new Error(`checksum mismatch for ${entry.member} from ${source}`)
    fs.mkdirSync(target, { recursive: true })
    fs.writeFileSync(libraryFile, library, { mode: 0o755 })
    for (const name of ['LICENSE', 'VERSION.txt']) {
      const member = members[`package/prebuilt/${name}`]
      if (member) fs.writeFileSync(path.join(target, name), member)
    }
    console.log(`liblsl: bundled runtime from ${source} in ${path.relative(process.cwd(), libraryFile)}`)
  } catch (error) {
    console.warn(`liblsl: could not fetch the bundled runtime (${error.message.split('\n')[0]}); ` +
      'install liblsl (https://github.com/sccn/liblsl/releases) or set ENTRAIN_LSL_LIB')
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

main()
