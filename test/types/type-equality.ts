/** `true` when A and B are the same type (not merely assignable either way); checked by `tsc --noEmit`. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

/** Fails to compile unless T is `true`: `type _ = Expect<Equal<X, Y>>`. */
export type Expect<T extends true> = T
