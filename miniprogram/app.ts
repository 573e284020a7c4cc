import { config } from './config'
import { ChatService, wxPlatform } from './services/index'
import type { ChatAppOption } from './services/index'

App<ChatAppOption>({
  // One chat connection for the whole app; pages reach it through chatService().
  chat: new ChatService({ platform: wxPlatform(wx), config }),

  onLaunch() {
    // Log in and connect at once, so the entry page can show the conversation's status.
    this.chat.start()
  },
})
