/**
 * Setup for the mini-program simulation tests (jsdom, miniprogram-simulate): the testing kit's
 * jest-setup (App/getApp/getCurrentPages/Page, and the Node globals jsdom lacks), with one
 * rule of this repository on top: its pages are written with `Component()`, so `Page()` throws
 * here and a page written otherwise is caught.
 */
import '../../src/testing/jest-setup'

Object.assign(globalThis, {
  Page(): never {
    throw new Error('Page() is not used: pages are written with Component()')
  },
})
