import { describe, expect, it } from 'vitest'
import { UsageError } from './exit-codes'
import { importOptionalPeer, installHint } from './optional-peer'

// A name no workspace or registry package has: the import fails as it does for a peer left out.
const ABSENT = '@llmkit/no-such-optional-peer'
const importAbsent = () => import(/* @vite-ignore */ ABSENT)

describe('importOptionalPeer', () => {
  it('says which package to install when the peer is missing (exit 2: a usage error)', async () => {
    const failure = await importOptionalPeer(ABSENT, importAbsent, 'llmkit worker').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(UsageError)
    expect((failure as Error).message).toBe(`llmkit worker needs ${ABSENT}: npm i ${ABSENT} (pnpm add ${ABSENT})`)
  })

  it('names the dev install for --emulator', () => {
    expect(installHint('@llmkit/testing', '--emulator', true)).toBe(
      '--emulator needs @llmkit/testing: npm i -D @llmkit/testing (pnpm add -D @llmkit/testing)',
    )
  })

  it('passes other failures through: a missing package inside the peer is not the peer missing', async () => {
    const inner = Object.assign(
      new Error(`Cannot find package 'bullmq' imported from /x/node_modules/${ABSENT}/dist/index.js`),
      {
        code: 'ERR_MODULE_NOT_FOUND',
      },
    )
    await expect(importOptionalPeer(ABSENT, () => Promise.reject(inner), 'llmkit worker')).rejects.toBe(inner)
  })

  it('loads an installed peer', async () => {
    const queue = await importOptionalPeer('@llmkit/queue', () => import('@llmkit/queue'), 'llmkit worker')
    expect(typeof queue.createImageWorker).toBe('function')
  })
})
