import { isFrame, type Frame } from './link'

/** Turns frames into wire data and back. `decode` throws on anything it cannot read. */
export interface Codec {
  encode(frame: Frame): string | ArrayBuffer
  decode(data: string | ArrayBuffer): Frame
}

/** The default codec: one JSON object per text frame. Binary frames do not decode. */
export const jsonCodec: Codec = {
  encode: (frame) => JSON.stringify(frame),
  decode(data) {
    if (typeof data !== 'string') throw new TypeError('binary frame: the JSON codec reads text frames only')
    const value: unknown = JSON.parse(data)
    if (!isFrame(value)) throw new TypeError('frame is not a JSON object with a string "type"')
    return value
  },
}
