/**
 * The reference server in-process on port 0 with a temp data folder, which can be stopped
 * and started again on the same port and data (a restart mid-conversation), and agents
 * that talk to it over ChatSocket with the Node adapter.
 */
import { waitFor } from './wait-for'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { startServer, type RunningServer, type ServerOptions } from '../../server'
import { ChatSocket, createNodeConnectSocket } from '../../src'
import type { Frame } from '../../src'
import { postJson } from './http'
import { storeOptions } from './test-database'

export const AGENT_PASSWORD = 'agent-password-1'

export interface ChatServer {
  readonly url: string
  readonly port: number
  readonly dataDir: string
  /** Up (between start and stop). */
  readonly running: boolean
  /** Stops the server: sockets are closed with 1001, the port is freed. */
  stop(): Promise<void>
  /** Starts it again on the same port and data folder. */
  restart(): Promise<void>
  /** Stops it and removes the data folder. */
  close(): Promise<void>
  /** POST /api/agent/login for the demo agent. */
  agentToken(): Promise<string>
}

export async function startChatServer(options: ServerOptions = {}): Promise<ChatServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-chat-'))
  const start = (port: number): Promise<RunningServer> =>
    startServer({
      host: '127.0.0.1',
      logLevel: 'silent',
      demoAgent: { password: AGENT_PASSWORD },
      rateLimit: { rate: 2000, burst: 2000 },
      ...storeOptions(dataDir),
      ...options,
      port,
      dataDir,
    })
  let server: RunningServer | null = await start(0)
  const port = server.port
  const url = server.url
  const harness: ChatServer = {
    url,
    port,
    dataDir,
    get running() {
      return server !== null
    },
    async stop() {
      const running = server
      server = null
      await running?.close()
    },
    async restart() {
      if (server !== null) throw new Error('restart(): the server is running')
      server = await start(port)
    },
    async close() {
      await harness.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
    async agentToken() {
      const res = await postJson(`${url}/api/agent/login`, { username: 'demo', password: AGENT_PASSWORD })
      if (res.status !== 200) throw new Error(`agent login answered ${res.status}`)
      return (res.body as { token: string }).token
    },
  }
  return harness
}

export interface TestAgent {
  socket: ChatSocket
  /** Every `message` push the agent received, in order. */
  readonly messages: Array<{ id: string; conversationId: string; seq: number; text?: string; kind: string; from: { role: string } }>
  /** Every frame pushed to the agent, in order. */
  readonly frames: Frame[]
  /** Resolves with the first pushed frame (so far or to come) that matches. */
  frameWhere(match: (frame: Frame) => boolean, what: string): Promise<Frame>
  /** Sends a text into a conversation; resolves with the ack. */
  say(conversationId: string, text: string, id?: string): Promise<Frame>
  close(): void
}

/** The demo agent online over ChatSocket (Node adapter), reconnecting quickly. */
export async function connectAgent(server: ChatServer): Promise<TestAgent> {
  const token = await server.agentToken()
  const socket = new ChatSocket({
    url: `ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(token)}`,
    connectSocket: createNodeConnectSocket(WebSocket),
    lifecycle: false,
    reconnect: { minDelay: 20, maxDelay: 100, minUptime: 100 },
  })
  const messages: TestAgent['messages'] = []
  const frames: Frame[] = []
  socket.on('message', (frame) => {
    frames.push(frame)
    if (frame.type === 'message' && typeof frame.message === 'object' && frame.message !== null) {
      messages.push(frame.message as TestAgent['messages'][number])
    }
  })
  await socket.connect()
  await socket.request({ type: 'session' })
  return {
    socket,
    messages,
    frames,
    frameWhere: async (match, what) => {
      await waitFor(() => frames.some(match), what)
      return frames.find(match)!
    },
    say: (conversationId, text, id) =>
      socket.send({ type: 'message', conversationId, kind: 'text', text, ...(id !== undefined && { id }) }),
    close: () => socket.close(),
  }
}
