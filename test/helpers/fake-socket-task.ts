/**
 * The testing kit's fake (src/testing/fake-connect-socket.ts) in the shape this suite's unit
 * tests use: the connectSocket function itself, carrying `tasks` and the latest task as `last`.
 */
import { createFakeConnectSocket, FakeSocketTask } from '../../src/testing'
import type { ConnectSocket } from '../../src/types'

export { FakeSocketTask }

export function fakeConnectSocket(): ConnectSocket & { tasks: FakeSocketTask[]; readonly last: FakeSocketTask } {
  const fake = createFakeConnectSocket()
  const fn = ((options: Parameters<ConnectSocket>[0]) => fake.connectSocket(options)) as ConnectSocket & {
    tasks: FakeSocketTask[]
    readonly last: FakeSocketTask
  }
  fn.tasks = fake.tasks
  Object.defineProperty(fn, 'last', { get: () => fake.last() })
  return fn
}
