import { spawn, spawnSync } from 'node:child_process'

/** Debian's Python, where python3-mne and python3-pywt live (a `python3` on PATH may be a pyenv shim without them). */
export const debianPython = '/usr/bin/python3'

/** Whether Debian's Python can import the module. */
export const pythonHas = (module: string): boolean => spawnSync(debianPython, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0

/** Runs a script with Debian's Python, `input` on its stdin, and returns its stdout parsed as JSON. */
export function runPythonJson<T>(script: string, args: string[], input = ''): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(debianPython, ['-c', script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as T) : reject(new Error(`${debianPython} failed (${code}): ${stderr}`))))
    child.stdin.end(input)
  })
}
