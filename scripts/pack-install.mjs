// Packs the package as `npm publish` would ship it (`npm pack`; the build must have run)
// and installs the tarball into a scratch consumer folder, build/pack/ (or the folder given
// as the first argument): what users get from the registry, nothing from src/.
// Prints the folder. Used by test/integration/package.test.ts and the example's test run.
//
// The scratch folder sits inside the repository on purpose: its own node_modules holds only
// the package and its dependencies, while the test tools (jest, ts-jest, miniprogram-simulate,
// ws, typescript) are found in the repository's node_modules further up, so no test tool
// has to be downloaded again.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = resolve(process.argv[2] ?? join(root, 'build/pack'))
const npm = process.env.npm_execpath
  ? (args, cwd) => execFileSync(process.execPath, [process.env.npm_execpath, ...args], { cwd, encoding: 'utf8' })
  : (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8' })

rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
// --ignore-scripts: `prepare` would rebuild dist/ underneath tests that are reading it.
const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root))
const { name } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
writeFileSync(
  join(dir, 'package.json'),
  JSON.stringify(
    { name: `pack-consumer-${basename(dir)}`, private: true, dependencies: { [name]: `file:./${packed.filename}` } },
    null,
    2,
  ) + '\n',
)
npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], dir)
writeFileSync(join(dir, 'packed.json'), JSON.stringify(packed, null, 2) + '\n')
console.log(dir)
