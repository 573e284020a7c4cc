/** The WeChat UI calls the pages make, behind one interface (the benchmark runs pages' logic without `wx`). */

export interface ChosenImage {
  path: string
  width?: number
  height?: number
}

export interface PageUi {
  toast(title: string): void
  loading(title: string | null): void
  setTitle(title: string): void
  /** `wx.chooseMedia` for one image; null when the user cancelled. */
  chooseImage(): Promise<ChosenImage | null>
  previewImage(current: string, urls: string[]): void
  /** `wx.setClipboardData` (WeChat shows its own 内容已复制 toast). */
  copy(text: string): void
}

export function wxUi(api: WechatMiniprogram.Wx): PageUi {
  return {
    toast: (title) => void api.showToast({ title, icon: 'none' }),
    loading: (title) => {
      if (title === null) void api.hideLoading()
      else void api.showLoading({ title, mask: true })
    },
    setTitle: (title) => void api.setNavigationBarTitle({ title }),
    chooseImage: () =>
      new Promise((resolve, reject) => {
        api.chooseMedia({
          count: 1,
          mediaType: ['image'],
          sourceType: ['album', 'camera'],
          sizeType: ['compressed'],
          success: (res) => {
            const file = res.tempFiles[0]
            resolve(file === undefined ? null : { path: file.tempFilePath, width: file.width, height: file.height })
          },
          fail: (err) => (err.errMsg.includes('cancel') ? resolve(null) : reject(new Error(err.errMsg))),
        })
      }),
    previewImage: (current, urls) => void api.previewImage({ current, urls }),
    copy: (text) => void api.setClipboardData({ data: text }),
  }
}
