using System;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace AutoDiffGen.Tensors;

/// <summary>
/// Runs numbered work items on the calling thread and a few thread-pool threads, which take items from a shared
/// counter until none are left. A subclass holds the arguments and is reused, so a call allocates no job of its own.
/// </summary>
/// <remarks>
/// The caller takes items too, so the call finishes even when no pool thread ever starts, and it waits only for items
/// a pool thread has already taken. A pool thread may start after the call has returned; it then finds no items and
/// just lets go of the object. The object may be reused only once every thread has let go (<see cref="IsHeld"/> is
/// false), so such a late thread can never take an item of a later call.
/// </remarks>
internal abstract class ParallelWork : IThreadPoolWorkItem
{
    private int _itemCount;
    private int _nextItem;
    private int _finishedItems;
    private int _holders;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Runs item <paramref name="item"/>; items run in any order and concurrently.</summary>
    protected abstract void RunItem(int item);

    /// <summary>Whether a pool thread queued by the last <see cref="RunItems"/> has yet to let go; reuse the object only when false.</summary>
    protected bool IsHeld => Volatile.Read(ref _holders) != 0;

    /// <summary>Runs items 0 to <paramref name="itemCount"/> - 1 on up to <paramref name="threads"/> threads, this one included.</summary>
    protected void RunItems(int itemCount, int threads)
    {
        int helpers = Math.Min(threads, itemCount) - 1;
        _itemCount = itemCount;
        _nextItem = 0;
        _finishedItems = 0;
        _failure = null;
        _holders = 1 + helpers;
        // Queueing publishes the fields above to the pool threads (it is a full barrier).
        for (int i = 0; i < helpers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        RunAvailableItems();
        // Items still running were taken by pool threads that are running now; no Sleep(1), the wait is short.
        SpinWait spin = default;
        while (Volatile.Read(ref _finishedItems) < itemCount)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        ExceptionDispatchInfo? failure = _failure;
        LetGo();
        failure?.Throw();
    }

    void IThreadPoolWorkItem.Execute()
    {
        RunAvailableItems();
        LetGo();
    }

    private void RunAvailableItems()
    {
        int item;
        while ((item = Interlocked.Increment(ref _nextItem) - 1) < _itemCount)
        {
            try
            {
                RunItem(item);
            }
            catch (Exception exception)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null);
            }
            finally
            {
                Interlocked.Increment(ref _finishedItems);
            }
        }
    }

    private void LetGo() => Interlocked.Decrement(ref _holders);
}
