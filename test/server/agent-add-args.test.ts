import { parseAgentAddArgs, USAGE } from '../../server/agent-add-args'

describe('parseAgentAddArgs', () => {
  it.each([
    [['alice'], { username: 'alice', reset: false }],
    [['alice', '--password', 'pw-12345', '--name', '小丽'], { username: 'alice', password: 'pw-12345', name: '小丽', reset: false }],
    [['--password=pw-12345', 'alice', '--reset'], { username: 'alice', password: 'pw-12345', reset: true }],
    [['alice', '-p', 'pw-12345', '--name=A B'], { username: 'alice', password: 'pw-12345', name: 'A B', reset: false }],
    [['alice', '--password=--dashes--'], { username: 'alice', password: '--dashes--', reset: false }],
    [['--', '-odd-name'], { username: '-odd-name', reset: false }],
  ])('reads %j', (argv, args) => {
    expect(parseAgentAddArgs(argv)).toEqual(args)
  })

  it.each([
    [[], /^usage: npm run agent:add -- USERNAME/],
    [['carol', '--bogus'], /^unknown option --bogus\nusage:/],
    [['carol', '-x'], /^unknown option -x\n/],
    [['carol', '--bogus=1'], /^unknown option --bogus\n/],
    [['carol', '--password'], /^--password needs a value\n/],
    [['carol', '-p'], /^-p needs a value\n/],
    [['carol', '--name'], /^--name needs a value\n/],
    [['carol', '--password', '--reset'], /--password' argument is ambiguous/],
    [['carol', '--reset=yes'], /--reset' does not take an argument/],
    [['carol', 'dave'], /^unexpected argument dave\n/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseAgentAddArgs(argv)).toThrow(message)
    const usage = expect.objectContaining({ name: 'TypeError', code: 'USAGE', message: expect.stringContaining(USAGE) })
    expect(() => parseAgentAddArgs(argv)).toThrow(usage)
  })
})
