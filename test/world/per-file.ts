// A world for one vitest file: started in beforeAll on the run's bench, stopped in afterAll.
import { afterAll, beforeAll, inject } from 'vitest'
import { startWorld, type World } from './compose'

export interface FileWorld {
  /** The world, once beforeAll has started it. */
  readonly w: World
}

export function worldPerFile(): FileWorld {
  let current: World | undefined
  beforeAll(async () => {
    current = await startWorld(inject('bench'))
  })
  afterAll(async () => {
    await current?.stop()
  })
  return {
    get w() {
      if (!current) throw new Error('the world starts in beforeAll')
      return current
    }
  }
}
