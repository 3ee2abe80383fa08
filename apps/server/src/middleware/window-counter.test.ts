import { describe, expect, it } from 'vitest'
import { createWindowCounter } from './window-counter'

describe('createWindowCounter', () => {
  it('counts per key within a window and starts over when it ends', () => {
    let time = 1_000_000
    const counter = createWindowCounter({ windowMs: 60_000, now: () => time })
    expect(counter.hit('a')).toEqual({ count: 1, resetS: 60 })
    time += 30_000
    expect(counter.hit('a')).toEqual({ count: 2, resetS: 30 })
    expect(counter.hit('b')).toEqual({ count: 1, resetS: 60 })
    expect(counter.peek('a')).toEqual({ count: 2, resetS: 30 })
    time += 30_000
    expect(counter.peek('a').count).toBe(0)
    expect(counter.hit('a')).toEqual({ count: 1, resetS: 60 })
    expect(counter.peek('b')).toEqual({ count: 1, resetS: 30 })
  })

  it('drops expired windows, and past maxKeys forgets the oldest', () => {
    let time = 0
    const counter = createWindowCounter({ windowMs: 1_000, maxKeys: 100, now: () => time })
    for (let i = 0; i < 100; i++) counter.hit(`old-${i}`)
    expect(counter.size).toBe(100)
    time += 1_000
    counter.hit('new')
    expect(counter.size).toBe(1)
    for (let i = 0; i < 500; i++) counter.hit(`flood-${i}`)
    expect(counter.size).toBe(100)
    expect(counter.peek('flood-499').count).toBe(1)
    expect(counter.peek('new').count).toBe(0)
  })
})
