// Runs an example of examples/ against the package as users get it: `npm pack` installed into a
// scratch folder (scripts/pack-install.mjs → build/example-<name>/), the example's files copied
// next to it (its package.json aside: the scratch one depends on the tarball), then the
// example's own jest config run there. Nothing resolves to src/ or dist/ of the repository:
// `miniprogram-chat-socket` is the installed tarball; jest, ts-jest, miniprogram-simulate and
// ws come from the repository's node_modules further up, as dev tools would.
//
//   node scripts/example-test.mjs [name]    (default chat-page; the build must have run)
//
// Prints jest's output and exits with its status; the JSON result is in <folder>/jest-result.json.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const name = process.argv[2] ?? 'chat-page'
const example = join(root, 'examples', name)
if (!existsSync(example)) {
  console.error(`example-test: no examples/${name} (there are: ${readdirSync(join(root, 'examples')).join(', ')})`)
  process.exit(2)
}
const dir = join(root, 'build', `example-${name}`)

execFileSync(process.execPath, [join(root, 'scripts/pack-install.mjs'), dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
cpSync(example, dir, { recursive: true, filter: (src) => src !== join(example, 'package.json') && !src.includes('node_modules') })

const jest = join(root, 'node_modules/jest/bin/jest.js')
const run = spawnSync(
  process.execPath,
  [jest, '--config', join(dir, 'jest.config.js'), '--ci', '--json', '--outputFile', join(dir, 'jest-result.json')],
  { cwd: dir, stdio: 'inherit' },
)
process.exit(run.status ?? 1)
