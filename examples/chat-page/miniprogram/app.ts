// The app: where the chat server is. Pages read it with getApp().
export interface ExampleApp {
  globalData: { serverUrl: string }
}

App<ExampleApp>({
  globalData: { serverUrl: 'wss://chat.example.com/ws' },
})
