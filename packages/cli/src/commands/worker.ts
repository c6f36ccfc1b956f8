import { Command, Option } from 'commander'
import pc from 'picocolors'
import { writeLine, type CommandContext } from '../command-context'
import { UsageError } from '../exit-codes'
import { integerIn } from '../image-settings'
import { openClient } from '../open-client'
import { importOptionalPeer } from '../optional-peer'
import { reportFailure } from '../report-failure'

interface WorkerFlags {
  queue: string
  name?: string
  concurrency: number
  rate: string[]
  timeout?: number
  emulator: boolean
  debug: boolean
  lockDuration?: number
  stalledInterval?: number
  inDoubtGrace?: number
}

export function workerCommand(context: CommandContext): Command {
  return new Command('worker')
    .description('Generate the items of a Redis queue (fed by `llmkit batch --queue` or @llmkit/queue) until stopped')
    .requiredOption('--queue <url>', 'Redis holding the queue, for example redis://10.0.0.5:6379')
    .option('--name <queue>', 'queue name (the same on every side)')
    .option('--concurrency <count>', 'items this worker generates at once', integerIn(1, 256), 4)
    .option(
      '--rate <provider=n/unit>',
      'submits per second or minute for a provider, shared by every worker (repeatable): fal=5/s, openai=50/min',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--timeout <ms>', 'give up on one item after this many milliseconds', integerIn(1, 86_400_000))
    .option('--emulator', 'generate against in-process emulators of every provider (offline demo)', false)
    .option('--debug', 'print stack traces on errors', false)
    .addOption(new Option('--lock-duration <ms>').argParser(integerIn(100, 600_000)).hideHelp())
    .addOption(new Option('--stalled-interval <ms>').argParser(integerIn(100, 600_000)).hideHelp())
    .addOption(new Option('--in-doubt-grace <ms>').argParser(integerIn(0, 600_000)).hideHelp())
    .addHelpText(
      'after',
      `\nRuns until SIGTERM or Ctrl-C, then finishes the items in hand (a second signal quits at once; the items go to other workers, which resume their paid jobs instead of submitting again). Only workers need provider keys.\n\nExample:\n  $ FAL_KEY=… llmkit worker --queue redis://10.0.0.5:6379 --concurrency 8 --rate fal=5/s`,
    )
    .action(async (flags: WorkerFlags) => {
      context.exitCode = await runWorker(flags, context)
    })
}

async function runWorker(flags: WorkerFlags, context: CommandContext): Promise<number> {
  let opened: Awaited<ReturnType<typeof openClient>> | undefined
  try {
    const { createImageWorker, parseRate } = await importOptionalPeer(
      '@llmkit/queue',
      () => import('@llmkit/queue'),
      'llmkit worker',
    )
    const rates = Object.fromEntries(
      flags.rate.map((text) => {
        try {
          return parseRate(text)
        } catch (error) {
          throw new UsageError((error as Error).message)
        }
      }),
    )
    opened = await openClient(context.env, flags.emulator, context.plugins)
    const counts = { done: 0, failed: 0 }
    let lastRedisError = ''
    const worker = createImageWorker({
      connection: flags.queue,
      name: flags.name,
      client: opened.client,
      concurrency: flags.concurrency,
      rates,
      timeoutMs: flags.timeout,
      inDoubtGraceMs: flags.inDoubtGrace,
      bullmq: {
        ...(flags.lockDuration ? { lockDuration: flags.lockDuration } : {}),
        ...(flags.stalledInterval ? { stalledInterval: flags.stalledInterval } : {}),
      },
      onError: (error) => {
        // Redis away: ioredis reconnects by itself; say so once per kind of error, not once per attempt.
        if (error.message === lastRedisError) return
        lastRedisError = error.message
        writeLine(context.stderr, `${pc.yellow('redis:')} ${error.message} (reconnecting)`)
      },
      onResult: (result) => {
        lastRedisError = ''
        counts[result.status === 'done' ? 'done' : 'failed'] += 1
        const detail = result.status === 'done' ? `${result.images.length} image(s)` : result.error?.message
        writeLine(
          context.stderr,
          `${result.status === 'done' ? pc.green('done') : pc.red('failed')} ${result.id}: ${detail}`,
        )
      },
    })
    await worker.ready()
    writeLine(context.stdout, 'llmkit worker ready')
    await new Promise<void>((resolve) =>
      context.signal.aborted ? resolve() : context.signal.addEventListener('abort', () => resolve(), { once: true }),
    )
    writeLine(context.stderr, 'stopping: finishing the items in hand (signal again to quit at once)')
    await worker.close()
    writeLine(context.stdout, `llmkit worker stopped: done ${counts.done}, failed ${counts.failed}`)
    return 0
  } catch (error) {
    return reportFailure(context, error, flags)
  } finally {
    await opened?.close()
  }
}
